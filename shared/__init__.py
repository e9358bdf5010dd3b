"""What every service and the front end share: settings, errors, auth, cache, HTTP clients, logging."""

__version__ = "0.1.0"
