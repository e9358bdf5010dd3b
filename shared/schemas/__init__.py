"""The v1 request and response schemas of API.md, shared by the services, their clients and the front end."""
