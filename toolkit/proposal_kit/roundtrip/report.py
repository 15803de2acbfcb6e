"""The absorb report and the comments worklist, as text or Markdown."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from .absorb import AbsorbReport
from .docxread import Comment

__all__ = ["absorb_text", "word_diff", "worklist", "worklist_markdown"]


def _section(label: str | None, labels: dict[str, str]) -> str:
    if label is None:
        return "outside the sections"
    return labels.get(label, label)


def _where(section: str | None, row: str | None, labels: dict[str, str]) -> str:
    """``in 4.2 Work packages…, table row D3.1``, or ``outside the sections``."""
    if section is None:
        return f"in table row {row}" if row else "outside the sections"
    return f"in {_section(section, labels)}" + (f", table row {row}" if row else "")


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def word_diff(old: str, new: str, context: int = 6) -> str:
    """Where ``new`` differs from ``old``, word by word: ``… kept [-deleted-] {+added+} …``.

    Unchanged words are cut to ``context`` on each side of a change, so that two long
    versions of a paragraph show what each did to it.
    """
    a, b = old.split(), new.split()
    ops = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    parts: list[str] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "equal":
            if i2 > i1:
                parts.append(f"[-{' '.join(a[i1:i2])}-]")
            if j2 > j1:
                parts.append(f"{{+{' '.join(b[j1:j2])}+}}")
            continue
        words = a[i1:i2]
        if len(ops) == 1:  # no change at all
            parts.extend(words if len(words) <= 2 * context else [*words[:2 * context], "…"])
            continue
        head = [] if n == 0 else words[:context]
        tail = [] if n == len(ops) - 1 else words[-context:]
        parts.extend([*head, "…", *tail] if len(words) > len(head) + len(tail) else words)
    return " ".join(parts)


def _block(comment: Comment) -> int:
    return comment.block if comment.block is not None else -1


def absorb_text(report: AbsorbReport, markdown: bool = False) -> str:
    """The report for a terminal (``markdown``: for a Markdown file or an issue)."""
    labels = {s.id: s.label for s in report.sections}

    def h(title: str) -> str:
        return f"\n## {title}\n" if markdown else f"\n{title}"

    lines: list[str] = [("# " if markdown else "") + f"absorb {report.document.name} into "
                        f"{report.project.name} (tracked changes "
                        f"{'accepted' if report.policy == 'accept' else 'rejected'})"]
    changed = [s for s in report.sections if s.status != "unchanged"]
    lines.append(h(f"Sections: {len(changed)} changed or in conflict, "
                   f"{len(report.sections) - len(changed)} unchanged"))
    for s in changed:
        lines.append(f"- {s.label} ({s.file}): {s.status}")
        lines.extend(f"  ! {m}" for m in s.includes)
        if s.diff:
            lines.append("```diff" if markdown else "")
            lines.append(s.diff.rstrip("\n"))
            lines.append("```" if markdown else "")
    if report.fields or report.unmapped:
        lines.append(h(f"Fields of the generated tables: {len(report.fields)} changed"))
        lines.extend(f"- {f.dotted}: {f.old!r} -> {f.new!r} ({f.row}, {f.column})"
                     for f in report.fields)
        lines.extend(f"- not mapped: {u.table} {u.row} {u.column}: {_short(u.old, 40)!r} -> "
                     f"{_short(u.new, 40)!r} ({u.reason})" for u in report.unmapped)
    if report.changes:
        lines.append(h(f"Tracked changes: {len(report.changes)}"))
        lines.extend(f"- {c.kind} by {c.author or '?'} on {c.date or '?'} "
                     f"{_where(s, report.rows.get(c.block), labels)}: {_short(c.text)!r}"
                     for c, s in report.changes)
    if report.comments:
        lines.append(h(f"Comments: {len(report.comments)}"))
        lines.extend(f"- {c.author or '?'} on {c.date or '?'} "
                     f"{_where(s, report.rows.get(_block(c)), labels)} on "
                     f"{_short(c.quoted, 60)!r}: {_short(c.text)}" for c, s in report.comments)
    if report.conflicts:
        lines.append(h(f"Conflicts: {len(report.conflicts)} (the source's text is kept)"))
        for c in report.conflicts:
            lines.append(f"- {labels.get(c.section, c.section)}, since the render:")
            lines.append(f"    source: {word_diff(c.base, c.source)}")
            lines.append(f"    Word:   {word_diff(c.base, c.word)}")
    if report.outside:
        lines.append(h(f"Edits outside the sections (not absorbed): {len(report.outside)}"))
        lines.extend(f"- {_short(' / '.join(o.old)) or '(nothing)'} -> "
                     f"{_short(' / '.join(o.new)) or '(deleted)'}" for o in report.outside)
    if report.warnings:
        lines.append(h("Warnings"))
        lines.extend(f"- {w}" for w in report.warnings)
    if report.written:
        lines.append(h("Written"))
        lines.extend(f"- {p}" for p in report.written)
        lines.extend(f"- backup: {p}" for p in report.backups)
    elif not report.conflicts:
        lines.append("\ndry run: nothing written (use --apply)" if changed or report.fields
                     else "\nnothing to absorb")
    return "\n".join(lines).replace("\n\n\n", "\n\n")


def worklist(report: AbsorbReport) -> list[dict[str, Any]]:
    """Comments and tracked changes in document order, each with its section and author."""
    labels = {s.id: s.label for s in report.sections}
    items: list[dict[str, Any]] = []
    for c, s in report.comments:
        items.append({"kind": "comment", "section": s, "label": _section(s, labels),
                      "table_row": report.rows.get(_block(c)), "author": c.author,
                      "date": c.date, "quoted": c.quoted, "text": c.text, "block": _block(c)})
    for t, s in report.changes:
        items.append({"kind": t.kind, "section": s, "label": _section(s, labels),
                      "table_row": report.rows.get(t.block), "author": t.author,
                      "date": t.date, "quoted": "", "text": t.text, "block": t.block})
    items.sort(key=lambda i: (i["block"], i["kind"] != "comment"))
    for i in items:
        del i["block"]
    return items


def worklist_markdown(report: AbsorbReport) -> str:
    """The worklist as a Markdown task list, one box per item."""
    lines = [f"# Comments and tracked changes in {report.document.name}", ""]
    current = None
    for item in worklist(report):
        if item["label"] != current:
            current = item["label"]
            lines += ["", f"## {current}", ""]
        what = (f"comment on “{_short(item['quoted'], 80)}”: {item['text']}"
                if item["kind"] == "comment" else f"{item['kind']}: “{_short(item['text'])}”")
        if item["table_row"]:
            what = f"table row {item['table_row']}, {what}"
        lines.append(f"- [ ] **{item['author'] or '?'}** ({item['date'] or 'no date'}): "
                     f"{what}")
    if current is None:
        lines.append("No comments and no tracked changes.")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
