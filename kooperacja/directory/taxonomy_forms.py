"""The forms of the taxonomy administration (issue #5 point 2: "Admins can extend it").

The rules and the changes they make are in kooperacja.directory.services (add_term,
update_term); the forms only check what a form can: a code's shape and that it is new, and a
parent from the taxonomy's own terms in use (never the term itself or one below it; a term
being edited keeps its current parent on the list even when that one is retired).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kooperacja.directory.models import Taxonomy, TaxonomyTerm
from kooperacja.directory.services import CODE_MESSAGE, descendant_ids, fingerprint, is_valid_code, tree


def validate_code(value: str) -> None:
    """A new term's code: lowercase letters a–z, digits and single hyphens (services.is_valid_code)."""
    if not is_valid_code(value):
        raise ValidationError(CODE_MESSAGE, code="invalid")


class ParentField(forms.ModelChoiceField):
    """A term of the same taxonomy, listed as a tree (indented) and chosen by its public id."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=TaxonomyTerm.objects.none(),
            to_field_name="public_id",
            required=False,
            label=capfirst(_("parent term")),
            empty_label=_("none: a main term"),
            help_text=_("The term this one belongs under, in the same taxonomy."),
            error_messages={"invalid_choice": _("Choose a parent from the list of this taxonomy's terms.")},
            **kwargs,
        )


class TermForm(forms.Form):
    """A term's name, description, parent and position. `taxonomy` limits the parents;
    `term` (when editing) leaves out the term itself and those below it."""

    name = forms.CharField(
        label=capfirst(_("name")),
        max_length=200,
        error_messages={"required": _("Enter the name of the term.")},
    )
    description = forms.CharField(
        label=capfirst(_("description")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the term covers, in a sentence or two."),
    )
    parent = ParentField()
    position = forms.IntegerField(
        label=capfirst(_("position")),
        required=False,
        min_value=0,
        max_value=2_000_000_000,
        help_text=_("Terms are listed by position, lower first. Left empty, a new term goes to the end."),
        error_messages={
            "invalid": _("Enter the position as a whole number, 0 or more."),
            "min_value": _("Enter the position as a whole number, 0 or more."),
            "max_value": _("Enter a smaller position."),
        },
    )

    def __init__(self, *args: Any, taxonomy: Taxonomy, term: TaxonomyTerm | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.taxonomy = taxonomy
        self.term = term
        terms = list(
            TaxonomyTerm.objects.filter(taxonomy=taxonomy).only(
                "id", "public_id", "code", "name", "parent_id", "position", "is_active"
            )
        )
        excluded = descendant_ids(term, terms) if term is not None else set()
        current_parent = term.parent_id if term is not None else None
        offered = [
            option
            for option in terms
            if option.pk not in excluded and (option.is_active or option.pk == current_parent)
        ]
        parent = cast(ParentField, self.fields["parent"])
        parent.queryset = TaxonomyTerm.objects.filter(pk__in=[option.pk for option in offered])
        parent.choices = [("", parent.empty_label or "")] + [
            (str(option.public_id), self._parent_label(option, depth)) for option, depth in tree(offered)
        ]

    @staticmethod
    def _parent_label(option: TaxonomyTerm, depth: int) -> str:
        label = f"{'— ' * depth}{option.name} ({option.code})"
        if not option.is_active:
            label = str(_("%(term)s — retired") % {"term": label})
        return label


class TermCreateForm(TermForm):
    code = forms.CharField(
        label=capfirst(_("code")),
        max_length=80,
        help_text=_(
            "A stable identifier: lowercase letters, digits and hyphens, for example family-mediation. "
            "It cannot be changed later: other systems and saved searches refer to it."
        ),
        validators=[validate_code],
        error_messages={"required": _("Enter the code of the term.")},
    )
    field_order = ["code", "name", "description", "parent", "position"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if TaxonomyTerm.objects.filter(taxonomy=self.taxonomy, code=code).exists():
            raise ValidationError(_("This taxonomy already has a term with this code. Choose another code."))
        return code


class TermEditForm(TermForm):
    is_active = forms.BooleanField(
        label=capfirst(_("in use")),
        required=False,
        help_text=_(
            "Untick to retire a mistaken or outdated term: it is no longer offered in the search filters, "
            "in the service form or as a column of the resource map. Services that carry it keep it, and "
            "their pages still show it. Tick again to bring it back. A term with terms in use below it "
            "cannot be retired until they are."
        ),
    )
    # The fingerprint of the values the form showed (see `fingerprint`).
    previous = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, taxonomy: Taxonomy, term: TaxonomyTerm | None = None, **kwargs: Any) -> None:
        if term is None:
            raise TypeError("TermEditForm edits a term: pass term=")
        kwargs.setdefault(
            "initial",
            {
                "name": term.name,
                "description": term.description,
                "parent": term.parent.public_id if term.parent else None,
                "position": term.position,
                "is_active": term.is_active,
                "previous": fingerprint(term),
            },
        )
        super().__init__(*args, taxonomy=taxonomy, term=term, **kwargs)
