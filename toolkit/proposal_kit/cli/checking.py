"""`check` and `calls`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..activities import activities_for
from ..calls import available_calls, load_call, reference_data
from ..check import CheckReport, check_file
from ..errors import EXIT_CODES, UsageError
from .options import format_option
from .output import echo, emit_json, print_findings, strict_failure, style

if TYPE_CHECKING:
    from ..proof import ProofReport

__all__ = ["COMMANDS"]


def _proof(file: Path) -> ProofReport:
    from ..proof import proof_file

    return proof_file(file)


def _verdict(report: CheckReport) -> str:
    if report.eligible is None:
        return style("not checked (invalid file)", fg="red")
    return style("eligible", fg="green") if report.eligible else style("not eligible", fg="red")


def _counts(report: CheckReport) -> str:
    s = report.summary
    return ", ".join(_plural(s[k], word) for k, word in
                     (("error", "error"), ("warning", "warning"), ("info", "note")))


def _season_summary(reports: list[CheckReport]) -> str:
    """The last line of a check of several files: verdicts and findings over all of them."""
    eligible = sum(1 for r in reports if r.eligible)
    invalid = sum(1 for r in reports if r.eligible is None)
    totals = {k: sum(r.summary[k] for r in reports) for k in ("error", "warning", "info")}
    counts = ", ".join(_plural(totals[k], word) for k, word in
                       (("error", "error"), ("warning", "warning"), ("info", "note")))
    return (f"{_plural(len(reports), 'file')} checked: {eligible} eligible, "
            f"{len(reports) - eligible - invalid} not eligible, {invalid} not checked "
            f"(invalid); {counts}")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option(("text", "json"))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line of each file.")
@click.option("--proof", "with_proof", is_flag=True,
              help="Proofread the section texts too (see `proof`); --strict alone does not.")
def check(files: tuple[Path, ...], output_format: str, strict: bool, quiet: bool,
          with_proof: bool) -> None:
    """Validate project files and apply their call's rules.

    Checks eligibility (countries, full partners, labour-market actors, education and
    training providers, HEI and VET, coordinator, ECHE, duration, ecosystem, grant cap),
    internal consistency (ids, months, leads, budget and effort totals) and completeness.
    Several files may be given, e.g. a season's consortia: one summary line each, then a
    line totalling them (files eligible, not eligible and invalid; errors, warnings and
    notes). A file that cannot be read (missing, a folder, a FIFO) is reported as an error
    of that file and the others are still checked. With --format json, one file gives one
    JSON object and several files a list of them.
    """
    reports = [check_file(f) for f in files]
    for report in reports:
        for item in report.findings:
            if item.code == "schema.file":
                echo(f"proposal-kit: error: {item.message}", err=True)
    proofs = {r.file: _proof(r.file) for r in reports if with_proof and r.eligible is not None}
    if output_format == "json":
        data = [{**r.to_dict(), **({"proof": proofs[r.file].to_dict()} if r.file in proofs
                                   else {})} for r in reports]
        emit_json(data[0] if len(data) == 1 else data)
    elif len(reports) == 1 and not quiet:
        report = reports[0]
        print_findings(report.findings, str(report.file))
        if report.findings:
            echo()
        if report.file in proofs:
            from .proofing import print_proof

            print_proof(proofs[report.file])
        echo(f"{report.file}: {_verdict(report)}; {_counts(report)}")
    else:
        for report in reports:
            extra = ""
            if report.file in proofs:
                s = proofs[report.file].summary
                extra = f"; proof: {s['error']} errors, {s['warning']} warnings"
            echo(f"{report.file}: {_verdict(report)}; {_counts(report)}{extra}")
        echo(_season_summary(reports))
    if any(f.code == "schema.file" for r in reports for f in r.findings):
        raise SystemExit(EXIT_CODES["usage"])  # a file missing or not a file
    failed = any(r.failed(strict) for r in reports) or \
        any(p.failed(strict) for p in proofs.values())
    if strict and failed and not any(r.failed() for r in reports) and \
            not any(p.failed() for p in proofs.values()):
        strict_failure([(f.code, f.file or str(r.file), f.line) for r in reports
                        for f in r.findings if f.severity.value == "warning"]
                       + [(f.code, str(f.file), f.line) for p in proofs.values()
                          for f in p.findings if f.severity.value == "warning"])
    raise SystemExit(EXIT_CODES["problems"] if failed else EXIT_CODES["ok"])


@click.command()
@format_option(("text", "json"))
@click.option("--ecosystems", is_flag=True, help="List the 14 industrial ecosystems instead.")
@click.argument("topic", required=False)
def calls(output_format: str, ecosystems: bool, topic: str | None) -> None:
    """List the known call topics, or show the rules of TOPIC.

    Topics come from the built-in data and from folders named in PROPOSAL_KIT_CALLS.
    """
    if ecosystems:
        eco = reference_data().ecosystems
        if output_format == "json":
            emit_json({slug: e.model_dump() for slug, e in eco.items()})
            return
        for slug, e in eco.items():
            echo(f"{style(slug, bold=True)}  {e.label}: {e.covers}")
        return
    if topic is not None and not topic.strip():
        raise UsageError("the call topic is empty: give a topic id, or none to list them")
    if topic:
        rules = load_call(topic)
        acts = activities_for(rules.activities)
        if output_format == "json":
            data = rules.model_dump(mode="json", exclude={"source_file"})
            data["covers"] = {slug: {"title": a.title, "summary": a.summary,
                                     "unverified": a.unverified or acts.unverified}
                              for slug, a in acts.activities.items()}
            emit_json(data)
            return
        echo(style(f"{rules.id}", bold=True) + f"  {rules.short_name}: {rules.title}")
        for name, figure in rules.figures:
            if figure is None:
                continue
            flag = style(" (unverified)", fg="yellow") if figure.unverified else ""
            value = figure.model_dump(mode="json")["value"]
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items())
            echo(f"  {name}: {value}{flag}  [{figure.source}]")
        echo(style(f"{acts.heading} (covers: slugs)", bold=True) + f"  [{acts.source}]")
        for slug, a in acts.activities.items():
            flag = style(" (unverified)", fg="yellow") if a.unverified or acts.unverified else ""
            echo(f"  {slug}: {a.title}{flag}")
        return
    topics = [load_call(t) for t in available_calls()]
    if output_format == "json":
        emit_json([{"id": r.id, "lot": r.lot, "title": r.title, "year": r.year,
                    "deadline": r.deadline.isoformat()} for r in topics])
        return
    for r in topics:
        echo(f"{style(r.id, bold=True)}  Lot {r.lot}: {r.title} "
             f"(deadline {r.deadline:%Y-%m-%d %H:%M} {r.figures.deadline.timezone})")


COMMANDS = (check, calls)
