"""Segments: a small filter language over contacts (attributes, tags, lists, activity), evaluated in SQL."""

from inbox.segments.language import SegmentSyntaxError, parse
from inbox.segments.query import Vocabulary, segment_condition

__all__ = ["SegmentSyntaxError", "Vocabulary", "parse", "segment_condition"]
