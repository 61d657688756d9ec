"""Browser tests: the real server in Debian's Chromium, driven by Playwright."""
