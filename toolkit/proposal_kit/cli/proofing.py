"""`proof`."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import EXIT_CODES
from ..project import load_project
from ..proof import ProofReport, add_comments, proof_project
from ..render.output import write_guarded
from .options import OutputPath, PathType, force_option, format_option
from .output import echo, emit_json, finding_line, strict_failure, style

__all__ = ["COMMANDS", "print_proof"]


def _counts(report: ProofReport) -> str:
    s = report.summary
    return ", ".join(f"{s[key]} {word}" + ("" if s[key] == 1 else "s")
                     for key, word in (("error", "error"), ("warning", "warning"),
                                       ("info", "note")))


def _markdown(report: ProofReport) -> str:
    lines = [f"# Proofreading of {report.file}", ""]
    lines += [f"{_counts(report)}.", ""]
    for item in report.findings:
        where = f"{item.file}:{item.line}:{item.column}"
        lines.append(f"- **{item.severity.value}** `{item.code}` {where}: {item.message}"
                     + (f" ({item.hint})" if item.hint else ""))
        if item.quote:
            lines.append(f"  > {item.quote}")
        if item.data:
            lines.append(f"  data: {item.data.get('value')} ({item.data.get('where')})")
    return "\n".join(lines)


def print_proof(report: ProofReport) -> None:
    """Print the findings as ``file:line:column: severity [code] message``, with the quote."""
    for item in report.findings:
        echo(finding_line(item, item.file))
        if item.quote:
            echo(style(f"    > {item.quote[:300]}", dim=True))
        if item.data:
            echo(f"    data: {item.data.get('value')} ({item.data.get('where')})")
    echo(f"{report.file}: proofread; {_counts(report)}")


@click.command()
@click.argument("file", required=False, default=Path("project.yaml"),
                type=PathType(dir_okay=False, path_type=Path))
@format_option(("text", "md", "json"))
@click.option("--docx", "docx", type=PathType(dir_okay=False, path_type=Path),
              help="Write the findings as Word comments into a copy of this DOCX (the "
                   "rendered draft or the filled official form).")
@click.option("-o", "--output", type=OutputPath(dir_okay=False, path_type=Path),
              help="The commented copy [default: <DOCX>-proofed.docx].")
@force_option("Replace an output that was edited or not written by proposal-kit "
              "(a backup copy is kept).")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
def proof(file: Path, output_format: str, docx: Path | None, output: Path | None,
          force: bool, strict: bool) -> None:
    """Proofread the section texts of the project FILE against its own data.

    FILE defaults to project.yaml in the current folder, so that
    `proposal-kit proof --docx draft.docx -o proofed.docx` works beside it.

    Reports, at file:line:column of the section files or project.yaml: facts that contradict
    the data (durations, counts, budget, due months, WP titles, countries: errors);
    partner names and the acronym spelled differently, undefined acronyms, British
    spelling (hunspell en-GB), US variants, EU terms, long or repeated sentences and
    filler (warnings and notes). Exit 1 when there are errors (with --strict, warnings).
    """
    if not file.exists():
        raise click.BadParameter(f"no such file: {file}", param_hint="FILE")
    if output is not None and docx is None:
        raise click.BadParameter("-o needs --docx (the document to comment)",
                                 param_hint="-o")
    project = load_project(file)
    report = proof_project(project)
    commented = None
    if docx is not None:  # before any output: a failure here is the one JSON document
        target = output or docx.with_name(f"{docx.stem}-proofed.docx")
        if target.resolve() == docx.resolve():
            raise click.BadParameter("the output would replace the draft; give another -o",
                                     param_hint="-o")
        result = add_comments(docx, report.findings)
        inputs = [project.file, *project.input_files, docx]
        backup = write_guarded(target, result.data, force, protected=inputs)
        commented = (target, result, backup)
    if output_format == "json":
        emit_json(report.to_dict())
    elif output_format == "md":
        echo(_markdown(report))
    else:
        print_proof(report)
    if commented is not None and docx is not None:
        target, result, backup = commented
        where = f" (backup: {backup})" if backup else ""
        echo(f"{target}: {len(result.placed)} comments{where}", err=output_format == "json")
        for item in result.unplaced:
            echo(f"  not placed (sentence not in {docx.name}): "
                 f"{item.file}:{item.line}: [{item.code}]", err=output_format == "json")
    if strict and report.failed(strict) and not report.failed():
        strict_failure([(f.code, str(f.file), f.line) for f in report.findings
                        if f.severity.value == "warning"])
    raise SystemExit(EXIT_CODES["problems"] if report.failed(strict) else EXIT_CODES["ok"])


COMMANDS = (proof,)
