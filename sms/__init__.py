"""The carrier side: phone numbers, encoding/segments, and SMS providers behind one small Protocol."""
