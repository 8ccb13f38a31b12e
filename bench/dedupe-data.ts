// Synthetic local news for bench:dedupe: original stories and planted reprints of them, in the
// order a site would ingest them. Stories of one topic (a flood, a road closure, a school
// enrolment notice …) are written from that topic's own phrases, places and officials, so two
// different stories of one topic share many words and phrases: the hard negatives. Reprints of
// a story, by another paper within 36 hours:
//   verbatim     — the same text;
//   reheadlined  — a new title, the paper's own dateline in front and a credit line at the end;
//   truncated    — the first half of the paragraphs (papers cut stories from the end);
//   paragraphs   — a third of the paragraphs dropped, any of them, the lead included;
//   edited       — ~4 % of the characters changed, one sentence in five rewritten, a phrase added.
// A different story on the same topic the same day ("same-topic") must not be grouped.
// Deterministic (seeded): article i is the same on every run.
import { random } from "./random";

export type Kind = "original" | "verbatim" | "reheadlined" | "truncated" | "paragraphs" | "edited";
export const REPRINT_KINDS: readonly Kind[] = ["verbatim", "reheadlined", "truncated", "paragraphs", "edited"];

export interface CorpusArticle {
  readonly id: string;
  /** The true story: originals have their own; a reprint has its original's. */
  readonly story: number;
  readonly kind: Kind;
  readonly source: number;
  readonly publishedMs: number;
  readonly title: string;
  /** Paragraphs of visible text. */
  readonly paragraphs: readonly string[];
  /** Another story of the same topic was published within a day before this original. */
  readonly sameTopicRival: boolean;
}

const CITIES = ["桂林", "南宁", "柳州", "梧州", "北海", "钦州", "玉林", "百色", "贺州", "河池", "来宾", "崇左"];
const OFFICIALS = ["黄晓东", "莫丽君", "王建华", "刘敏", "周文博", "李晓红", "陈志强", "唐小燕", "蒋明", "覃海燕"];
const GENERAL = [
  "近日",
  "记者从有关部门获悉",
  "据了解",
  "相关负责人表示",
  "下一步",
  "截至目前",
  "与此同时",
  "据介绍",
  "今年以来",
  "市民群众",
  "进一步加强",
  "切实做好",
  "工作人员",
  "全力保障",
  "有序推进",
];
const TOPICS: readonly (readonly string[])[] = [
  [
    "防汛",
    "强降雨",
    "水位上涨",
    "应急响应",
    "转移群众",
    "漓江水位",
    "防汛指挥部",
    "巡堤查险",
    "山洪地质灾害",
    "抢险队伍",
    "低洼地带",
    "气象部门预计",
  ],
  [
    "道路施工",
    "交通管制",
    "绕行路线",
    "封闭施工",
    "交警部门",
    "通行车辆",
    "路面改造",
    "临时便道",
    "公交线路调整",
    "高峰时段",
    "施工围挡",
    "出行提示",
  ],
  [
    "秋季招生",
    "义务教育",
    "学位申请",
    "入学报名",
    "教育局",
    "户籍证明",
    "划片招生",
    "新生家长",
    "网上报名系统",
    "民办学校",
    "审核结果",
    "随迁子女",
  ],
  [
    "疫苗接种",
    "卫生健康委员会",
    "流感季节",
    "接种点",
    "老年人群",
    "疾控中心",
    "预约服务",
    "免费接种",
    "医疗机构",
    "健康监测",
    "门诊时间",
    "慢性病患者",
  ],
  [
    "文旅活动",
    "游客接待量",
    "景区门票",
    "旅游收入",
    "文化节",
    "民俗表演",
    "夜游项目",
    "酒店入住率",
    "自驾游客",
    "非遗展示",
    "文旅融合",
    "假日旅游",
  ],
  [
    "招商引资",
    "签约项目",
    "产业园区",
    "总投资",
    "营商环境",
    "重点项目",
    "开工建设",
    "投资协议",
    "新能源产业",
    "制造业企业",
    "用地保障",
    "审批时限",
  ],
  [
    "食品安全",
    "市场监管局",
    "抽检合格率",
    "农贸市场",
    "餐饮单位",
    "监督检查",
    "不合格产品",
    "责令整改",
    "索证索票",
    "快检室",
    "投诉举报",
    "溯源管理",
  ],
  [
    "垃圾分类",
    "城市管理局",
    "分类投放",
    "回收站点",
    "厨余垃圾",
    "小区物业",
    "宣传入户",
    "督导员",
    "减量处理",
    "再生资源",
    "积分兑换",
    "环境卫生",
  ],
  [
    "农业生产",
    "秋收秋种",
    "粮食产量",
    "农机作业",
    "种植面积",
    "农技人员",
    "病虫害防治",
    "高标准农田",
    "农民专业合作社",
    "柑橘丰收",
    "田间管理",
    "收购价格",
  ],
  [
    "消防安全",
    "消防救援支队",
    "火灾隐患",
    "电动自行车",
    "高层建筑",
    "应急演练",
    "疏散通道",
    "消防设施",
    "安全检查",
    "违规充电",
    "微型消防站",
    "冬季防火",
  ],
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function num(r: () => number): string {
  return String(Math.floor(r() * 900) + 12);
}

/** One sentence of a story: its topic's phrases around the story's own facts. */
function sentence(r: () => number, topic: readonly string[], facts: readonly string[]): string {
  const parts: string[] = [];
  const n = 3 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.45) parts.push(pick(r, topic));
    else if (x < 0.7) parts.push(pick(r, GENERAL));
    else if (x < 0.9) parts.push(pick(r, facts));
    else parts.push(`${num(r)}${pick(r, ["人", "个", "家", "万元", "公里", "处", "项", "户"])}`);
  }
  return `${parts.join(pick(r, ["，", "的", "和", "在", "对", "将"]))}。`;
}

/** What makes a story its own: a place, an official, dates and numbers. */
function storyFacts(r: () => number): { city: string; facts: string[] } {
  const city = pick(r, CITIES);
  const facts = [
    `${city}市`,
    `${city}${pick(r, ["七星区", "象山区", "城北片区", "高新区", "临江镇", "东环路"])}`,
    `${pick(r, OFFICIALS)}说`,
    `${1 + Math.floor(r() * 12)}月${1 + Math.floor(r() * 28)}日`,
    `共计${num(r)}万元`,
    `涉及${num(r)}户`,
  ];
  return { city, facts };
}

function paragraph(r: () => number, topic: readonly string[], facts: readonly string[]): string {
  const s = 2 + Math.floor(r() * 3);
  let text = "";
  for (let i = 0; i < s; i++) text += sentence(r, topic, facts);
  return text;
}

function story(r: () => number, topicIndex: number): { title: string; paragraphs: string[] } {
  const topic = TOPICS[topicIndex]!;
  const { city, facts } = storyFacts(r);
  const paragraphs: string[] = [];
  const count = 5 + Math.floor(r() * 4);
  for (let p = 0; p < count; p++) paragraphs.push(paragraph(r, topic, facts));
  return {
    title: `${city}${pick(r, topic)}${pick(r, ["工作有序推进", "情况通报", "最新消息", "全面启动"])}`,
    paragraphs,
  };
}

/** Topics a story can be on. */
export const TOPIC_COUNT = TOPICS.length;

/** One story of topic `topicIndex` written as this corpus writes them, but as long as asked:
 *  paragraphs are added until their text reaches `minChars` characters (bench:ingest's ~5 KB
 *  bodies: real articles of one paper on one day — their own facts, their topic's phrases). */
export function longStory(seed: number, topicIndex: number, minChars: number): { title: string; paragraphs: string[] } {
  const r = random(seed);
  const topic = TOPICS[topicIndex % TOPICS.length]!;
  const { city, facts } = storyFacts(r);
  const paragraphs: string[] = [];
  for (let chars = 0; chars < minChars; ) {
    const p = paragraph(r, topic, facts);
    paragraphs.push(p);
    chars += p.length;
  }
  return {
    title: `${city}${pick(r, topic)}${pick(r, ["工作有序推进", "情况通报", "最新消息", "全面启动"])}`,
    paragraphs,
  };
}

const HAN =
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

/** ~4 % of the characters replaced, one sentence in five rewritten, a phrase added. */
function edit(r: () => number, paragraphs: readonly string[], topicIndex: number): string[] {
  return paragraphs.map((p) => {
    const sentences = p.split(/(?<=。)/);
    const rewritten = sentences.map((s) =>
      r() < 0.2 ? sentence(r, TOPICS[topicIndex]!, [pick(r, CITIES), pick(r, OFFICIALS)]) : s,
    );
    let out = "";
    for (const ch of rewritten.join("")) out += ch !== "。" && r() < 0.04 ? pick(r, [...HAN]) : ch;
    return r() < 0.3 ? `${pick(r, GENERAL)}，${out}` : out;
  });
}

export interface CorpusOptions {
  readonly seed: number;
  readonly days: number;
  /** Original stories per day. */
  readonly perDay: number;
  readonly sources: number;
}

export const DEFAULT_CORPUS: CorpusOptions = { seed: 20261206, days: 14, perDay: 60, sources: 30 };

/** The corpus, in publication order. */
export function generateCorpus(opts: CorpusOptions = DEFAULT_CORPUS): CorpusArticle[] {
  const r = random(opts.seed);
  const out: CorpusArticle[] = [];
  const start = Date.UTC(2026, 10, 1, 0, 0, 0);
  const lastOfTopic = new Map<number, number>();
  let storyNo = 0;
  for (let d = 0; d < opts.days; d++) {
    for (let k = 0; k < opts.perDay; k++) {
      const s = storyNo++;
      const topicIndex = Math.floor(r() * TOPICS.length);
      const publishedMs = start + d * 86_400_000 + Math.floor(r() * 86_400_000);
      const rival = (lastOfTopic.get(topicIndex) ?? Number.NEGATIVE_INFINITY) > publishedMs - 86_400_000;
      lastOfTopic.set(topicIndex, publishedMs);
      const source = Math.floor(r() * opts.sources);
      const { title, paragraphs } = story(r, topicIndex);
      out.push({
        id: `s${s}-0`,
        story: s,
        kind: "original",
        source,
        publishedMs,
        title,
        paragraphs,
        sameTopicRival: rival,
      });
      // Half the stories are reprinted, by one to three other papers.
      const reprints = r() < 0.5 ? 1 + Math.floor(r() * 3) : 0;
      for (let j = 1; j <= reprints; j++) {
        const kind = pick(r, REPRINT_KINDS);
        let t = title;
        let ps = [...paragraphs];
        if (kind === "reheadlined") {
          t = `${pick(r, ["关注", "聚焦", "速看"])}：${pick(r, TOPICS[topicIndex]!)}${pick(r, ["有新进展", "这些信息请收好", "最新通报来了"])}`;
          ps = [`本报讯（记者 ${pick(r, OFFICIALS)}）`, ...ps, `（来源：${pick(r, CITIES)}日报）`];
        } else if (kind === "truncated") ps = ps.slice(0, Math.ceil(ps.length / 2));
        else if (kind === "paragraphs") {
          const drop = Math.round(ps.length / 3);
          for (let x = 0; x < drop; x++) ps.splice(Math.floor(r() * ps.length), 1);
        } else if (kind === "edited") ps = edit(r, ps, topicIndex);
        out.push({
          id: `s${s}-${j}`,
          story: s,
          kind,
          source: (source + 1 + Math.floor(r() * (opts.sources - 1))) % opts.sources,
          publishedMs: publishedMs + Math.floor(r() * 36 * 3_600_000),
          title: t,
          paragraphs: ps,
          sameTopicRival: false,
        });
      }
    }
  }
  return out.sort((a, b) => a.publishedMs - b.publishedMs || a.id.localeCompare(b.id));
}

/** The text the app sketches: title and body, as ingest reads them. */
export function textOf(a: CorpusArticle): string {
  return a.paragraphs.join(" ");
}
