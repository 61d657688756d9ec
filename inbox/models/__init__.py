"""The conversation store: one module per aggregate, all on inbox.db.Base."""

from inbox.models.campaigns import (
    Campaign,
    CampaignRecipient,
    MessageTemplate,
    SavedSegment,
    Sender,
    WorkerLease,
)
from inbox.models.canned import CannedResponse
from inbox.models.changes import ConfigChange
from inbox.models.contacts import ConsentEvent, Contact
from inbox.models.conversations import Conversation
from inbox.models.messages import EarlyStatusReport, Message
from inbox.models.notes import Note
from inbox.models.rules import KeywordRule
from inbox.models.settings import Setting
from inbox.models.subscribers import AttributeDefinition, ContactTag, ListMembership, SubscriberList
from inbox.models.users import ApiToken, User

__all__ = [
    "ApiToken",
    "AttributeDefinition",
    "Campaign",
    "CampaignRecipient",
    "CannedResponse",
    "ConfigChange",
    "ConsentEvent",
    "Contact",
    "ContactTag",
    "Conversation",
    "EarlyStatusReport",
    "KeywordRule",
    "ListMembership",
    "Message",
    "MessageTemplate",
    "Note",
    "SavedSegment",
    "Sender",
    "Setting",
    "SubscriberList",
    "User",
    "WorkerLease",
]
