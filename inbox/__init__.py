"""The desk: the conversation store, the actions that change it, the web and realtime layers."""
