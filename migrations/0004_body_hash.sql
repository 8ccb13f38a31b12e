-- Why: many upstreams ignore conditional GET and send the same bytes every time. A hash of the
-- last body (salted with the pipeline's version, so a parser or sanitizer fix still reaches an
-- unchanged feed) lets the refresh skip decode, parse, normalize and sanitize for it.
ALTER TABLE sources ADD COLUMN last_body_hash TEXT;
