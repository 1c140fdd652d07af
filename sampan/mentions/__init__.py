"""Pingback, TrackBack and Webmention: receiving and sending mentions between blogs."""
