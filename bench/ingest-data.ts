// Synthetic upstream feed for bench:ingest: RSS 2.0 the way a Chinese local paper publishes it
// (content:encoded in CDATA, guid isPermaLink="false", RFC 822 pubDate with +0800, dc:creator,
// two categories, a description summary; bodies of Chinese paragraphs with the inline styles,
// a relative image and a link that the sanitizer has to deal with). Deterministic: the same
// arguments give the same bytes, so an unchanged feed really is byte-identical.
import { longStory } from "./dedupe-data";
import { random } from "./random";

/** Items per feed, and the approximate UTF-8 size of each item's content:encoded. */
export const ITEMS = 50;
export const BODY_BYTES = 5000;

/** The bench sources, each pointing at one path of the bench worker's in-memory upstream. */
export const SOURCES = {
  /** (a1) the upstream honours If-None-Match: 304. */
  "unchanged-304": { slug: "bench-etag", path: "/etag.xml" },
  /** (a2) the upstream ignores validators: 200 with the same bytes every time. */
  "unchanged-200": { slug: "bench-same", path: "/same.xml" },
  /** (b) every fetch returns a feed of ITEMS items never seen before. */
  new: { slug: "bench-new", path: "/fresh.xml" },
  /** (c) every fetch returns the (a2) feed with its oldest item replaced by a new one at the top. */
  "one-new": { slug: "bench-one", path: "/one-new.xml" },
} as const;

const SENTENCES = [
  "记者从市交通运输局获悉，漓江两岸的公交线路自下周起把发车间隔由三十分钟缩短到二十分钟。",
  "周末及节假日还将加开旅游直通车，方便游客前往大圩古镇和漓江码头。",
  "社区服务中心每周三下午开设老年人智能手机课堂，教老人使用扫码乘车和网上挂号。",
  "七星区三所小学从下周一起试点课后托管延时服务，托管时间延长至傍晚六点半。",
  "托管期间，学校将安排作业辅导、阅读和体育活动，不讲授新课，家长可通过班主任自愿报名。",
  "今年以来，全市新增城镇就业岗位一万二千余个，一批返乡青年在家门口实现了就业。",
  "市场监管部门对城区农贸市场开展专项检查，重点查看计量器具和食品进货台账。",
  "叠彩区一处老旧小区完成改造，新加装的电梯已投入使用，楼道照明和排水管网同步更新。",
  "气象台预计，受冷空气影响，本周后期全市气温将下降六到八摄氏度，请市民注意添衣保暖。",
  "阳朔县西街商户联合推出冬季优惠活动，住宿和餐饮价格较旺季下调两到三成。",
  "市图书馆少儿阅览室延长开放时间，寒假期间每天开放至晚上八点。",
  "桂林北站东广场新开通至龙脊方向的旅游专线巴士，每半小时一班，首班车早上八点发车。",
  "临桂新区两所幼儿园建成投用，新增学位五百四十个，缓解了周边居民的入园压力。",
  "灵川县果农抢抓晴好天气采摘砂糖橘，今年的收购价格比去年同期略有上涨。",
  "市人民医院开通夜间门诊，内科、儿科和口腔科每天接诊至晚上九点半。",
  "环卫部门在中心城区增设分类垃圾投放点，并安排志愿者在早晚高峰现场引导。",
  "象山景区在冬季实行错峰预约，游客可通过景区公众号提前预约入园时段。",
  "秀峰区社区食堂推出十元套餐，八十岁以上老人凭证就餐每餐再减两元。",
  "恭城瑶族自治县举办油茶文化节，来自各地的游客在古镇品尝打油茶。",
  "市住建部门提醒，冬季施工要做好防冻防滑措施，严禁在脚手架上违规作业。",
  "全州县一座新建的跨江大桥完成合龙，预计明年春节前具备通车条件。",
  "龙胜各族自治县梯田景区迎来雪后晴天，不少摄影爱好者早早上山等候日出。",
  "平乐县开展农村电商培训，帮助农户把柿饼、腐竹等土特产卖到全国各地。",
  "荔浦市一家芋头加工企业新上一条生产线，日加工能力提高到三十吨。",
];

const CATEGORIES = ["本地", "交通", "教育", "社区", "民生", "经济", "文旅", "天气", "健康", "城建"];
const AUTHORS = ["黄晓东", "莫丽君", "王建华", "刘敏", "周文博", "李晓红"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const encoder = new TextEncoder();
const utf8Length = (s: string) => encoder.encode(s).length;
const pad = (n: number) => String(n).padStart(2, "0");
const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** "Tue, 18 Nov 2025 09:30:00 +0800": RFC 822 wall-clock time in China (UTC+8). */
function rfc822China(utcMs: number): string {
  const d = new Date(utcMs + 8 * 3600_000);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0800`;
}

/** An article body of Chinese paragraphs, about `bytes` bytes of UTF-8 HTML. With `story` given,
 *  its paragraphs are that story's (one article of its own); without, three sentences drawn from
 *  SENTENCES per paragraph (every such body shares most of its shingles with every other: one
 *  story, the worst case of the story step). */
function body(seed: number, bytes: number, link: string, story: readonly string[] | null): string {
  const next = random(seed);
  const pick = () => SENTENCES[Math.floor(next() * SENTENCES.length)]!;
  const lead = story ? story[0]! : `${pick()}${pick()}`;
  const parts: string[] = [
    `<p style="text-indent:2em;"><strong>本报讯</strong>（记者 ${AUTHORS[seed % AUTHORS.length]}）${lead}</p>`,
    `<p style="text-align:center;"><img src="/uploads/2025/11/${seed}.jpg" alt="现场图片" width="600" height="400" data-original="/uploads/2025/11/${seed}.jpg"></p>`,
  ];
  let size = utf8Length(parts.join("\n"));
  const ending = `<p>原文链接：<a href="${link}" target="_blank">${link}</a></p>`;
  const budget = bytes - utf8Length(ending);
  for (let k = 1; size < budget; k++) {
    const text = story ? (story[k] ?? "") : `${pick()}${pick()}${pick()}`;
    if (story && k >= story.length) break;
    const p = `<p style="text-indent:2em;"><span style="font-size:16px;">${text}</span></p>`;
    parts.push(p);
    size += utf8Length(p) + 1;
  }
  parts.push(ending);
  return parts.join("\n");
}

/** A 32-bit seed of a string (FNV-1a). */
function seedOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Characters of story text that fill a body of `bytes` bytes of HTML (3 bytes a Han character,
 *  ~70 bytes of markup a paragraph of ~100 characters). */
const storyChars = (bytes: number) => Math.floor(bytes / 3.7);

export interface FeedOptions {
  /** Items in the feed. */
  readonly items: number;
  /** Approximate UTF-8 size of each item's content:encoded. */
  readonly bodyBytes: number;
  /** Makes every guid and link unique to this feed: a different prefix gives all-new items
   *  (and, unless `oneStory`, all-new stories). */
  readonly guidPrefix: string;
  /** Every body drawn from the same few sentences: all items one story (the story step's worst
   *  case). Default: each item a story of its own, as a paper's articles of one day are. */
  readonly oneStory?: boolean;
}

/** One RSS 2.0 document, newest item first. */
export function generateFeed({ items, bodyBytes, guidPrefix, oneStory = false }: FeedOptions): string {
  const newest = Date.UTC(2025, 10, 20, 2, 0, 0); // 2025-11-20 10:00 +0800
  const out: string[] = [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">`,
    `<channel>`,
    `<title>桂林晚报</title>`,
    `<link>https://www.guilinwb.example.com/</link>`,
    `<description>桂林晚报官方网站：桂林本地新闻、民生、交通、教育与文旅资讯</description>`,
    `<language>zh-cn</language>`,
    `<lastBuildDate>${rfc822China(newest)}</lastBuildDate>`,
    `<ttl>15</ttl>`,
  ];
  for (let i = 0; i < items; i++) {
    const published = newest - i * 37 * 60_000;
    const link = `https://www.guilinwb.example.com/news/2025/11/${guidPrefix}-${i}.html`;
    const next = random(i + 1);
    // Ten topics, five stories each: stories of one topic share its phrases (hard negatives).
    const story = oneStory ? null : longStory(seedOf(`${guidPrefix}-${i}`), i, storyChars(bodyBytes));
    const lead = story ? story.title : SENTENCES[i % SENTENCES.length]!;
    const c1 = CATEGORIES[i % CATEGORIES.length]!;
    const c2 = CATEGORIES[(i * 7 + 3) % CATEGORIES.length]!;
    out.push(
      `<item>`,
      `<title>${escapeXml(`${lead.slice(0, 18 + Math.floor(next() * 8)).replace(/[，。]+$/, "")}（第${i + 1}条）`)}</title>`,
      `<link>${link}</link>`,
      `<guid isPermaLink="false">glwb-${guidPrefix}-${String(i).padStart(4, "0")}</guid>`,
      `<pubDate>${rfc822China(published)}</pubDate>`,
      `<dc:creator>${AUTHORS[i % AUTHORS.length]}</dc:creator>`,
      `<category>${c1}</category>`,
      `<category>${c2 === c1 ? CATEGORIES[(i + 1) % CATEGORIES.length] : c2}</category>`,
      `<description>${escapeXml(lead)}</description>`,
      `<content:encoded><![CDATA[${body(i + 1, bodyBytes, link, story?.paragraphs ?? null)}]]></content:encoded>`,
      `</item>`,
    );
  }
  out.push(`</channel>`, `</rss>`, ``);
  return out.join("\n");
}

/** The feed of `generateFeed(options)` with its last (oldest) item dropped and one new item (of
 *  guid prefix `newPrefix`) put first: the bytes change, one item is new, the rest are the same. */
export function feedWithOneNew(options: FeedOptions, newPrefix: string): string {
  const base = generateFeed(options);
  const extra = generateFeed({ ...options, items: 1, guidPrefix: newPrefix });
  const item = extra.slice(extra.indexOf("<item>"), extra.lastIndexOf("</item>") + "</item>".length);
  const first = base.indexOf("<item>");
  const lastStart = base.lastIndexOf("<item>");
  return (
    base.slice(0, first) +
    item +
    "\n" +
    base.slice(first, lastStart) +
    base.slice(base.lastIndexOf("</item>") + "</item>".length + 1)
  );
}
