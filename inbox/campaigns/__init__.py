"""Campaigns: who a campaign reaches, when (quiet hours), how fast (pacing), and the worker sending it."""
