"""A campaign's text for one recipient: the template with the contact's name and custom attributes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import BotSettings
from bot.templates import TemplateContext, attribute_variables, render, validate_template
from inbox.models import AttributeDefinition, Contact


@dataclass(frozen=True, slots=True)
class Renderer:
    """Renders one campaign template for many contacts (the template parses once)."""

    template: str
    brand: str
    support: str
    attribute_keys: frozenset[str]

    @classmethod
    def load(cls, session: Session, template: str, settings: BotSettings) -> Renderer:
        """A renderer knowing the desk's brand and its custom attribute keys."""
        keys = frozenset(session.scalars(select(AttributeDefinition.key)).all())
        return cls(template, settings.brand_name, settings.support_contact, keys)

    @property
    def variables(self) -> frozenset[str]:
        """The custom-attribute variables this template may use (contact.<key>)."""
        return attribute_variables(self.attribute_keys)

    def problems(self) -> list[str]:
        """What is wrong with the template ([] when it renders as written)."""
        return validate_template(self.template, self.variables)

    def render(self, contact: Contact) -> str:
        """The text this contact receives."""
        return self.render_values(contact.name, contact.phone, contact.attributes or {})

    def render_values(self, name: str | None, phone: str, attributes: Mapping[str, Any]) -> str:
        """The text for a contact given by its values (previews of sample rows)."""
        context = TemplateContext(
            contact_name=name,
            contact_phone=phone,
            brand=self.brand,
            support=self.support,
            attributes=tuple(attribute_texts(attributes, self.attribute_keys)),
        )
        return render(self.template, context, self.variables)


def attribute_texts(values: Mapping[str, Any], keys: Iterable[str]) -> Iterable[tuple[str, str]]:
    """(key, text) of each defined attribute the contact has: booleans as yes/no, whole numbers bare."""
    for key in keys:
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            yield key, "yes" if value else "no"
        elif isinstance(value, float) and value.is_integer():
            yield key, str(int(value))
        else:
            yield key, str(value)
