// An article's media on its page: audio and video play in the browser's own player (no script;
// the CSP's media-src allows https:), every file also has a plain link.
import type { Enclosure } from "../../core/model";

const kindOf = (e: Enclosure): "audio" | "video" | "image" | null => {
  const kind = e.type?.split("/")[0];
  return kind === "audio" || kind === "video" || kind === "image" ? kind : null;
};

const sizeOf = (bytes: number | null) =>
  bytes === null
    ? ""
    : bytes >= 1024 * 1024
      ? `（${(bytes / 1024 / 1024).toFixed(1)} MB）`
      : `（${Math.ceil(bytes / 1024)} KB）`;

export function ArticleMedia({ enclosures }: { readonly enclosures: readonly Enclosure[] | undefined }) {
  const list = (enclosures ?? []).filter((e) => kindOf(e) !== "image");
  if (list.length === 0) return null;
  return (
    <section class="post-media" aria-label="音视频">
      {list.map((e) => {
        const kind = kindOf(e);
        return (
          <figure>
            {kind === "audio" ? (
              // biome-ignore lint/a11y/useMediaCaption: upstream feeds send no caption track to link; the caption below names the file
              <audio controls preload="none" src={e.url}>
                <a href={e.url}>下载音频</a>
              </audio>
            ) : kind === "video" ? (
              // biome-ignore lint/a11y/useMediaCaption: upstream feeds send no caption track to link; the caption below names the file
              <video controls preload="none" src={e.url}>
                <a href={e.url}>下载视频</a>
              </video>
            ) : null}
            <figcaption>
              <a href={e.url} rel="noopener noreferrer nofollow">
                {kind === "audio" ? "音频文件" : kind === "video" ? "视频文件" : "附件"}
              </a>
              {e.type ? ` ${e.type}` : ""}
              {sizeOf(e.length)}
            </figcaption>
          </figure>
        );
      })}
    </section>
  );
}
