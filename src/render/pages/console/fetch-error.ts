// A refresh's technical error (English, from ingest) → what it means, in Chinese, for the console.
// The technical text is shown beside it, never replaced.

const MEANINGS: readonly (readonly [RegExp, string])[] = [
  [/^fetch failed|network connection lost/i, "无法连接到对方网站"],
  [/no complete answer within/i, "对方网站响应超时"],
  [/^HTTP 404\b|^HTTP 410\b/, "订阅地址不存在（已删除或已移动）"],
  [/^HTTP 401\b|^HTTP 403\b/, "对方网站拒绝访问"],
  [/^HTTP 429\b/, "请求过于频繁，对方网站要求稍后再试"],
  [/^HTTP 5\d\d\b/, "对方网站出错"],
  [/^HTTP \d+/, "对方网站返回了异常状态"],
  [/redirect/i, "重定向有误"],
  [/body larger than/i, "内容过大"],
  [/robots\.txt disallows/i, "对方网站的 robots.txt 不允许抓取"],
  [/^not a feed: the URL returned an HTML page/i, "该地址是网页，不是订阅源"],
  [/^not a feed/i, "不是有效的订阅源"],
  [/rules are invalid/i, "抓取规则有误"],
  [/no feed URL/i, "没有订阅地址"],
  [/not JSON/i, "接口返回的不是 JSON"],
  [/page\(s\) could not be read/i, "部分页面未能读取"],
  [/no title or content/i, "条目没有标题或内容"],
];

export function errorMeaning(technical: string): string {
  return MEANINGS.find(([re]) => re.test(technical))?.[1] ?? "抓取失败";
}
