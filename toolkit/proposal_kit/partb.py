"""The structure of Part B (headings, numbering, tags, prompts), read from ``data/partb.yaml``."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from .resources import data_dir

__all__ = ["PartB", "PartBNode", "part_b"]


class PartBNode(BaseModel):
    """A heading, a tagged group, or both, of the Part B template."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    number: str | None = None
    heading: str | None = None
    level: int = 1
    tag: str | None = None
    criterion: str | None = None
    narrative: bool = False
    prompt: str | None = None
    pages: float | None = Field(None, description="Suggested page budget (guidance).")
    children: tuple[PartBNode, ...] = ()

    @property
    def title(self) -> str:
        """Number and heading as the document shows them, e.g. ``1.1 Background ...``."""
        return " ".join(p for p in (self.number, self.heading) if p)


class PartB(BaseModel):
    """The whole Part B tree."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    document_tag: str
    nodes: tuple[PartBNode, ...]

    def walk(self) -> Iterator[PartBNode]:
        """Every node, depth first, in document order."""
        stack = list(reversed(self.nodes))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def narrative_ids(self) -> list[str]:
        """Keys of ``sections:`` in a project file, in document order."""
        return [n.id for n in self.walk() if n.narrative]

    def node(self, node_id: str) -> PartBNode:
        """The node with ``node_id``."""
        for n in self.walk():
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def headings(self) -> list[PartBNode]:
        """Nodes that print a heading, in document order."""
        return [n for n in self.walk() if n.heading]

    def tags(self) -> list[str]:
        """Tag codes in the order they open (the document tag first)."""
        return [self.document_tag] + [n.tag for n in self.walk() if n.tag]


@cache
def part_b() -> PartB:
    """The Part B structure shipped with the package."""
    import yaml

    text = (data_dir() / "partb.yaml").read_text(encoding="utf-8")
    return PartB.model_validate(yaml.safe_load(text))
