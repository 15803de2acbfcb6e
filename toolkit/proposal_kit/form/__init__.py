"""The official Part B form: its description per version, and what fills and reads it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from ..calls import CallRules
    from .description import FormDescription, form_description

__all__ = ["FormDescription", "all_narrative_ids", "form_description", "form_for_call",
           "form_for_topic"]

_lazy = lazy_exports(__name__, {"FormDescription": ".description",
                                "form_description": ".description"})


def __getattr__(name: str) -> Any:
    """The public names, imported when first used."""
    return _lazy(name)


def form_for_call(call: CallRules) -> FormDescription:
    """The description of the Part B form that ``call`` uses."""
    from .description import form_description

    return form_description(call.form_version)


def form_for_topic(topic: str | None) -> FormDescription:
    """The form of call ``topic``; the default form when the topic is unknown or None."""
    from ..errors import ProposalKitError
    from .description import DEFAULT_FORM, form_description

    if topic:
        from ..calls import load_call

        try:
            return form_description(load_call(topic).form_version)
        except ProposalKitError:
            pass
    return form_description(DEFAULT_FORM)


def all_narrative_ids() -> list[str]:
    """Section ids of every described form version, in document order.

    For data files that are not tied to one call, such as generic texts' front matter.
    """
    from .description import form_description, known_forms

    ids: list[str] = []
    for form_id in known_forms():
        ids += [i for i in form_description(form_id).narrative_ids() if i not in ids]
    return ids
