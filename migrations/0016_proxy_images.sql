-- Why: some papers refuse their pictures to pages on other sites (hotlink protection by Referer).
-- A source that opts in has the images of its articles served through this site's /img/ proxy,
-- which fetches them with the article's own page as Referer (src/web/image-proxy.ts). Off by default.

ALTER TABLE sources ADD COLUMN proxy_images INTEGER NOT NULL DEFAULT 0;
