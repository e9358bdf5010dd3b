"""`amc`, the platform's command line: import observations, print a ranking, export it, show a cluster's advice.

It talks to the running services through the typed clients of `shared.clients`; URLs and the API key come from
flags or the environment. Exit codes say what failed: 0 ok, 1 other, 2 usage, 3 input rejected (4xx),
4 not found, 5 service unavailable.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast, get_args

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from shared.clients import IndicatorsClient, RecommendationsClient, ScoringClient, ServiceClient
from shared.errors import DomainError, NotFound, UpstreamUnavailable
from shared.schemas.indicators import ImportResult
from shared.schemas.rankings import RankingResponse
from shared.schemas.recommendations import ClusterRecommendations
from shared.schemas.vocabulary import Category, ExportFormat, Lang, RankingMethod, Reference

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3
EXIT_NOT_FOUND = 4
EXIT_UNAVAILABLE = 5
# Exports of 80 clusters with charts take seconds, not the default 10 s timeout of calls between services.
TIMEOUT_SECONDS = 300.0

ClientT = TypeVar("ClientT", bound=ServiceClient)


WordT = TypeVar("WordT", bound=str)


def _options(name: str, vocabulary: Any) -> Any:
    """A StrEnum of a vocabulary Literal's words: typer offers an Enum's values as the choices of an option."""
    return enum.StrEnum(name, {word: word for word in get_args(vocabulary)})


def _word(option: WordT) -> WordT:
    """The plain word of an option (a StrEnum member at run time), as the vocabulary's Literal."""
    return cast(WordT, str(option))


# typer needs Enums, made here from the vocabulary; the type checker sees the vocabulary's Literals themselves.
if TYPE_CHECKING:
    LangOption = Lang
    ExportFormatOption = ExportFormat
    CategoryOption = Category
    MethodOption = RankingMethod
    ReferenceOption = Reference
else:
    LangOption = _options("LangOption", Lang)
    ExportFormatOption = _options("ExportFormatOption", ExportFormat)
    CategoryOption = _options("CategoryOption", Category)
    MethodOption = _options("MethodOption", RankingMethod)
    ReferenceOption = _options("ReferenceOption", Reference)


app = typer.Typer(
    name="amc",
    help="Command line of the AMC decision-support platform (import, rank, export, recommend).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass(frozen=True)
class Connection:
    """Where the services are and the key to call them with."""

    indicators_url: str
    scoring_url: str
    recommendations_url: str
    api_key: str | None


def make_client(kind: type[ClientT], base_url: str, api_key: str | None) -> ClientT:
    """The one place the CLI makes a client (tests replace it to reach the ASGI apps)."""
    return kind(base_url, api_key=api_key, timeout=TIMEOUT_SECONDS)


def exit_code_of(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return EXIT_NOT_FOUND
    if isinstance(error, UpstreamUnavailable) or error.status >= 500:
        return EXIT_UNAVAILABLE
    if 400 <= error.status < 500:
        return EXIT_REJECTED
    return EXIT_OTHER


def _describe_error(entry: dict[str, Any]) -> str:
    """One line per bad entry: an import's {row, column, message} or a validation error's {loc, msg}."""
    if "row" in entry:
        column = f", column {entry['column']}" if entry.get("column") else ""
        return f"row {entry['row']}{column}: {entry.get('message', '')}"
    loc = ".".join(str(part) for part in entry.get("loc", []))
    message = str(entry.get("msg") or entry.get("message") or entry)
    return f"{loc}: {message}" if loc else message


@contextmanager
def _reporting_failures(stderr: Console) -> Iterator[None]:
    """Turn the services' problems into a message and an exit code, never a traceback."""
    try:
        yield
    except DomainError as error:
        stderr.print(Text(f"Error: {error.title}", style="bold red"))
        stderr.print(Text(error.detail))
        for entry in error.errors:
            stderr.print(Text(f"  • {_describe_error(entry)}"))
        raise typer.Exit(exit_code_of(error)) from None
    except OSError as error:
        stderr.print(Text(f"Error: {error}", style="bold red"))
        raise typer.Exit(EXIT_OTHER) from None


def _working(stderr: Console, message: str) -> Progress:
    """A spinner with the elapsed time while a service works; it disappears once done."""
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
    )
    progress.add_task(message, total=None)
    return progress


def _run(ctx: typer.Context, message: str, work: Callable[[Connection], Any]) -> Any:
    connection: Connection = ctx.obj
    stderr = Console(stderr=True)
    with _reporting_failures(stderr), _working(stderr, message):
        return work(connection)


@app.callback()
def main(
    ctx: typer.Context,
    indicators_url: Annotated[
        str, typer.Option(envvar="INDICATORS_URL", help="Indicator service.")
    ] = "http://127.0.0.1:8001",
    scoring_url: Annotated[str, typer.Option(envvar="SCORING_URL", help="Scoring service.")] = "http://127.0.0.1:8002",
    recommendations_url: Annotated[
        str, typer.Option(envvar="RECOMMENDATIONS_URL", help="Recommendation service.")
    ] = "http://127.0.0.1:8003",
    api_key: Annotated[
        str | None,
        typer.Option(envvar=["AMC_API_KEY", "ADMIN_API_KEY"], help="API key (X-API-Key).", show_default=False),
    ] = None,
) -> None:
    """Talk to the running services; URLs and the key default to the environment."""
    ctx.obj = Connection(indicators_url, scoring_url, recommendations_url, api_key)


@app.command("import")
def import_observations(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="CSV or XLSX: cluster_code, indicator_code, year, value."
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and count only; write nothing.")] = False,
) -> None:
    """Import observations, all or nothing; a rejected file lists every bad row."""

    def work(connection: Connection) -> ImportResult:
        client = make_client(IndicatorsClient, connection.indicators_url, connection.api_key)
        try:
            return client.import_observations(file.name, file.read_bytes(), dry_run=dry_run)
        finally:
            client.close()

    result: ImportResult = _run(ctx, f"Importing {file.name}", work)
    verb = "Checked" if result.dry_run else "Imported"
    years = ", ".join(str(y) for y in result.years) or "–"
    typer.echo(
        f"{verb} {result.rows} rows (years {years}): {result.inserted} new, {result.updated} updated, "
        f"{result.unchanged} unchanged." + (" Nothing was written (dry run)." if result.dry_run else "")
    )


def _change(rank_change: int | None) -> Text:
    if rank_change is None:
        return Text("new", style="dim")
    if rank_change > 0:
        return Text(f"▲{rank_change}", style="green")
    if rank_change < 0:
        return Text(f"▼{-rank_change}", style="red")
    return Text("–", style="dim")


def ranking_table(ranking: RankingResponse, lang: Lang) -> Table:
    """The ranking as a table: rank, change, code, name, category, score, tier."""
    title = (
        f"Ranking {ranking.year} · profile {ranking.profile_name or ranking.profile} ({ranking.profile}) · "
        f"{ranking.method} · {ranking.reference} reference · dataset {ranking.dataset_version}"
    )
    table = Table(title=title, caption="Synthetic demo data, not for official use." if ranking.synthetic else None)
    table.add_column("Rank", justify="right")
    table.add_column("Change", justify="right")
    table.add_column("Code")
    table.add_column("Name")
    table.add_column("Category")
    table.add_column("Score", justify="right")
    table.add_column("Tier")
    for row in ranking.results:
        table.add_row(
            str(row.rank),
            _change(row.rank_change),
            row.cluster_code,
            row.name_zh if lang == "zh" else row.name,
            row.category,
            f"{row.score:.4f}",
            row.tier,
        )
    return table


@app.command()
def rank(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="Year of the data.")],
    profile: Annotated[int | None, typer.Option(help="Weight profile id; default: the default profile.")] = None,
    category: Annotated[CategoryOption | None, typer.Option(help="Only this category's clusters.")] = None,
    method: Annotated[MethodOption, typer.Option(help="Scoring method.")] = "topsis",
    reference: Annotated[ReferenceOption, typer.Option(help="fixed or relative reference.")] = "fixed",
    lang: Annotated[LangOption, typer.Option(help="Language of the names.")] = "en",
) -> None:
    """Print the year's ranking as a table."""
    method_name = _word(method)
    reference_name = _word(reference)

    def work(connection: Connection) -> RankingResponse:
        client = make_client(ScoringClient, connection.scoring_url, connection.api_key)
        try:
            return client.ranking(
                year,
                profile=profile,
                method=method_name,
                category=None if category is None else _word(category),
                reference=reference_name,
            )
        finally:
            client.close()

    ranking: RankingResponse = _run(ctx, f"Ranking {year}", work)
    console = Console()
    console.print(ranking_table(ranking, lang))
    for warning in ranking.warnings:
        console.print(Text(f"Note: {warning}", style="yellow"))


@app.command()
def export(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="Year of the data.")],
    output: Annotated[Path, typer.Option("--output", "-o", dir_okay=False, help="File to write.")],
    export_format: Annotated[ExportFormatOption, typer.Option("--format", help="csv, xlsx or pdf.")] = "xlsx",
    profile: Annotated[int | None, typer.Option(help="Weight profile id; default: the default profile.")] = None,
    lang: Annotated[LangOption, typer.Option(help="Language of the file.")] = "en",
    method: Annotated[MethodOption, typer.Option(help="Scoring method.")] = "topsis",
    reference: Annotated[ReferenceOption, typer.Option(help="fixed or relative reference.")] = "fixed",
    plan_target: Annotated[
        str | None,
        typer.Option(
            help="Target of every cluster's plan in the XLSX and PDF: next_tier (default), top_quartile or rank:K."
        ),
    ] = None,
) -> None:
    """Export the year's ranking (annual-review file) to OUTPUT."""
    method_name = _word(method)
    reference_name = _word(reference)

    def work(connection: Connection) -> bytes:
        client = make_client(ScoringClient, connection.scoring_url, connection.api_key)
        try:
            content = client.export(
                year,
                profile=profile,
                format=_word(export_format),
                lang=_word(lang),
                method=method_name,
                reference=reference_name,
                plan_target=plan_target,
            )
        finally:
            client.close()
        output.write_bytes(content)
        return content

    content: bytes = _run(ctx, f"Exporting the {year} ranking as {export_format}", work)
    typer.echo(f"Wrote {output} ({len(content):,} bytes).")


@app.command()
def recommend(
    ctx: typer.Context,
    cluster: Annotated[str, typer.Argument(help="Cluster code, e.g. SH-IC.")],
    year: Annotated[int, typer.Option(help="Year of the data.")],
    profile: Annotated[int | None, typer.Option(help="Weight profile id; default: the default profile.")] = None,
    lang: Annotated[LangOption, typer.Option(help="Language of the advice.")] = "en",
) -> None:
    """Show one cluster's strengths, weaknesses and recommended actions."""

    def work(connection: Connection) -> ClusterRecommendations:
        client = make_client(RecommendationsClient, connection.recommendations_url, connection.api_key)
        try:
            return client.recommendation(cluster, year, profile, _word(lang))
        finally:
            client.close()

    advice: ClusterRecommendations = _run(ctx, f"Diagnosing {cluster}", work)
    console = Console()
    console.print(
        Text(
            f"{advice.cluster_code} {advice.name} · {advice.year} · {advice.category} ({advice.peer_count} peers) · "
            f"rank {advice.rank} · score {advice.score:.4f} · dataset {advice.dataset_version}",
            style="bold",
        )
    )
    console.print(Text("Strengths", style="bold green"))
    for strength in advice.strengths:
        console.print(Text(f"  • {strength.text}"))
    if not advice.strengths:
        console.print(Text("  none"))
    if advice.weaknesses:
        table = Table(title="Weaknesses against the category's top quartile")
        table.add_column("Indicator")
        for column in ("Value", "Benchmark", "Unit", "Gap (share of range)"):
            table.add_column(column, justify="left" if column == "Unit" else "right")
        for w in advice.weaknesses:
            table.add_row(
                f"{w.indicator} {w.name}" + (" (imputed)" if w.imputed else ""),
                _number(w.value),
                _number(w.benchmark),
                w.unit,
                f"{w.gap:.0%}",
            )
        console.print(table)
    console.print(Text("Actions", style="bold"))
    for action in advice.recommendations:
        console.print(Text(f"  {action.priority}. {action.title}", style="bold"))
        console.print(Text(f"     {action.action}"))
        console.print(Text(f"     Why: {action.rationale}", style="dim"))
        console.print(Text(f"     Expected: rank {action.expected_rank} (+{action.expected_gain})", style="dim"))
    if advice.category_check.looks_wrong:
        console.print(Text(f"Category check: {advice.category_check.evidence}", style="yellow"))


def _number(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, int | float) else "–"
