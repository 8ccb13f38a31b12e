// Synthetic articles for bench:search: Chinese local news the way the app stores it after ingest
// (title, summary, sanitized paragraphs, tags = the source's label plus one or two categories,
// published at second precision with +08:00). Sentences are built from a few hundred common words
// (general words in most articles, topic words in a tenth to a fifth of them, a few English words
// such as Hono, Cloudflare, GDP, 5G in a few per cent), ~1–2 KB of UTF-8 text each, across 200
// sources, spread over two years. Deterministic: article i is always the same, so a run's queries
// and checks mean the same thing every time.
import type { ArticleInput, SourceRef } from "../src/core/model";
import { summarize } from "../src/core/text";
import { random } from "./random";

export const SOURCE_COUNT = 200;
/** The two years the articles are spread over: 2024-01-01 00:00 to 2026-01-01 00:00 +08:00. */
export const START_MS = Date.UTC(2023, 11, 31, 16, 0, 0);
export const SPAN_MS = Date.UTC(2025, 11, 31, 16, 0, 0) - START_MS;
const OFFSET = 480;

const CITIES = [
  "桂林",
  "南宁",
  "柳州",
  "梧州",
  "北海",
  "钦州",
  "贵港",
  "玉林",
  "百色",
  "河池",
  "来宾",
  "崇左",
  "贺州",
  "防城港",
  "阳朔",
  "临桂",
  "灵川",
  "兴安",
  "全州",
  "龙胜",
  "恭城",
  "平乐",
  "荔浦",
  "资源",
  "永福",
  "灌阳",
  "宜州",
  "凭祥",
  "东兴",
  "合浦",
  "岑溪",
  "桂平",
  "北流",
  "靖西",
  "平果",
  "象州",
  "武宣",
  "融安",
  "三江",
  "昭平",
];
const OUTLETS = ["日报", "晚报", "新闻网", "融媒体中心", "广播电视台"];

/** 200 sources: "桂林晚报" etc.; the label (also the source's tag) is the name + 新闻. */
export function sourceOf(k: number): SourceRef {
  const name = `${CITIES[k % CITIES.length]}${OUTLETS[Math.floor(k / CITIES.length) % OUTLETS.length]}`;
  return { slug: `bench-src-${String(k).padStart(3, "0")}`, name, label: `${name}新闻` };
}

const AUTHORS = ["黄晓东", "莫丽君", "王建华", "刘敏", "周文博", "李晓红", "陈志强", "唐小燕", "蒋明", "覃海燕"];

// General words: in most articles, whatever the topic (Zipf-like: earlier words more often).
const TIME = [
  "近日",
  "日前",
  "今年以来",
  "昨日",
  "本周",
  "下周",
  "目前",
  "今年",
  "去年",
  "上半年",
  "年底前",
  "春节期间",
  "国庆期间",
  "暑假期间",
];
const PLACES = [
  "桂林",
  "全市",
  "市区",
  "城区",
  "漓江",
  "七星区",
  "秀峰区",
  "叠彩区",
  "象山区",
  "雁山区",
  "临桂区",
  "阳朔县",
  "灵川县",
  "兴安县",
  "全州县",
  "龙胜各族自治县",
  "恭城瑶族自治县",
  "平乐县",
  "荔浦市",
  "大圩古镇",
  "西街",
  "两江四湖",
  "桂林北站",
];
const ACTORS = [
  "市民",
  "居民",
  "记者",
  "有关部门",
  "市政府",
  "相关负责人",
  "工作人员",
  "街道办",
  "社区干部",
  "志愿者",
  "群众",
  "业主",
  "游客",
  "家长",
  "企业",
  "商户",
  "专家",
  "代表",
  "委员",
  "市民群众",
];
const VERBS = [
  "开展",
  "推进",
  "加强",
  "完善",
  "提升",
  "建设",
  "启动",
  "举办",
  "召开",
  "发布",
  "推出",
  "实施",
  "落实",
  "保障",
  "参加",
  "组织",
  "引导",
  "帮助",
  "解决",
  "增加",
  "提高",
  "降低",
  "排查",
  "整治",
  "宣传",
  "培训",
  "预约",
  "投入",
  "完成",
  "优化",
  "关注",
  "走访",
  "调研",
  "部署",
  "改善",
  "开放",
  "恢复",
  "扩大",
  "延长",
  "新建",
  "公布",
  "核查",
  "协调",
  "推动",
];
const ADVERBS = [
  "进一步",
  "持续",
  "积极",
  "全面",
  "及时",
  "有效",
  "逐步",
  "认真",
  "大力",
  "切实",
  "重点",
  "率先",
  "集中",
  "陆续",
];
const GENERAL = [
  "服务",
  "工作",
  "问题",
  "情况",
  "措施",
  "方案",
  "政策",
  "活动",
  "项目",
  "安全",
  "质量",
  "发展",
  "管理",
  "需求",
  "群众满意度",
  "环境",
  "设施",
  "资金",
  "时间",
  "计划",
  "标准",
  "机制",
  "责任",
  "效率",
  "水平",
  "规模",
  "能力",
  "基础",
  "成效",
  "意见",
];
const ADJ = [
  "新",
  "重要",
  "便民",
  "免费",
  "优惠",
  "重点",
  "基层",
  "公共",
  "线上",
  "线下",
  "专项",
  "长效",
  "综合",
  "首批",
  "临时",
];
const NUMBERS = [
  "三十",
  "五十",
  "一百",
  "两百",
  "五百",
  "一千",
  "两千",
  "一万",
  "十二",
  "二十",
  "八",
  "六",
  "四十",
  "12",
  "30",
  "50",
  "100",
  "2024",
  "2025",
  "3.5",
  "80%",
  "15",
  "200",
  "1000",
];
const UNITS = [
  "个",
  "家",
  "名",
  "户",
  "所",
  "条",
  "公里",
  "万元",
  "亿元",
  "吨",
  "辆",
  "人次",
  "平方米",
  "天",
  "小时",
  "项",
];
const FUNCTION_WORDS = [
  "的",
  "在",
  "和",
  "对",
  "将",
  "为",
  "与",
  "等",
  "是",
  "把",
  "由",
  "从",
  "向",
  "了",
  "并",
  "已",
  "还",
  "也",
];

// Topic words: each article has one topic (some two), whose words fill half its object slots.
const TOPICS: Record<string, string[]> = {
  jobs: [
    "就业",
    "岗位",
    "招聘会",
    "求职者",
    "高校毕业生",
    "返乡青年",
    "技能培训",
    "创业",
    "工资",
    "社保",
    "充分就业",
    "稳就业",
    "就业服务站",
    "用工需求",
    "农民工",
    "劳动合同",
    "失业保险",
    "务工人员",
    "职业技能",
    "人力资源市场",
  ],
  community: [
    "社区",
    "小区",
    "老旧小区",
    "物业",
    "电梯",
    "楼道",
    "社区食堂",
    "服务站",
    "便民服务站",
    "社区服务中心",
    "网格员",
    "邻里",
    "停车位",
    "充电桩",
    "垃圾分类",
    "老年人",
    "独居老人",
    "养老服务",
    "日间照料中心",
    "居家养老",
  ],
  transport: [
    "交通",
    "公交",
    "公交线路",
    "高铁",
    "高铁站",
    "动车",
    "地铁",
    "道路",
    "桥梁",
    "隧道",
    "停车场",
    "红绿灯",
    "交警",
    "电动车",
    "出租车",
    "网约车",
    "客运站",
    "航班",
    "机场",
    "交通拥堵",
    "绕城高速",
    "共享单车",
  ],
  education: [
    "学校",
    "学生",
    "老师",
    "幼儿园",
    "小学",
    "中学",
    "高考",
    "中考",
    "课后服务",
    "托管",
    "学位",
    "校园",
    "图书馆",
    "阅读",
    "教师",
    "教育局",
    "研学",
    "高等院校",
    "招生",
    "家庭教育",
  ],
  tourism: [
    "旅游",
    "游客",
    "景区",
    "漓江",
    "象鼻山",
    "民宿",
    "酒店",
    "米粉",
    "油茶",
    "美食",
    "门票",
    "游船",
    "自驾游",
    "旅行社",
    "文旅",
    "非遗",
    "演出",
    "博物馆",
    "夜游",
    "古镇",
    "山水",
    "漓江游船",
  ],
  economy: [
    "市场",
    "农贸市场",
    "超市",
    "消费",
    "经济",
    "投资",
    "企业",
    "工业园区",
    "产业",
    "产值",
    "税收",
    "营商环境",
    "招商引资",
    "电商",
    "直播带货",
    "快递",
    "物流",
    "出口",
    "外贸",
    "银行",
    "贷款",
    "金融",
  ],
  farming: [
    "农业",
    "农村",
    "乡村振兴",
    "果农",
    "砂糖橘",
    "罗汉果",
    "柚子",
    "沙田柚",
    "茶叶",
    "稻田",
    "合作社",
    "农产品",
    "种植",
    "养殖",
    "丰收",
    "收购价格",
    "高标准农田",
    "农机",
    "村民",
    "村委会",
  ],
  health: [
    "医院",
    "医生",
    "患者",
    "门诊",
    "急诊",
    "医保",
    "体检",
    "疫苗",
    "健康",
    "卫生院",
    "家庭医生",
    "中医",
    "药品",
    "护士",
    "儿科",
    "挂号",
    "义诊",
    "慢性病",
    "心理健康",
    "医疗服务",
  ],
  weather: [
    "天气",
    "气温",
    "降雨",
    "暴雨",
    "台风",
    "寒潮",
    "冷空气",
    "高温",
    "气象台",
    "预警",
    "防汛",
    "水位",
    "积水",
    "雷雨",
    "降温",
    "大风",
    "雾天",
    "防寒",
    "抗旱",
    "汛期",
  ],
  city: [
    "城市",
    "城建",
    "工程",
    "施工",
    "改造",
    "绿化",
    "公园",
    "广场",
    "体育场馆",
    "路灯",
    "排水",
    "管网",
    "供水",
    "燃气",
    "文明城市",
    "环境卫生",
    "城市管理",
    "违章建筑",
    "口袋公园",
    "污水处理",
  ],
  safety: [
    "安全生产",
    "消防",
    "隐患",
    "派出所",
    "民警",
    "反诈",
    "电信诈骗",
    "交通事故",
    "应急",
    "演练",
    "救援",
    "食品安全",
    "防溺水",
    "燃气安全",
    "巡逻",
    "治安",
    "执法",
    "检查组",
    "整改",
    "安全隐患",
  ],
  tech: [
    "网络",
    "数据",
    "平台",
    "手机",
    "应用",
    "数字化",
    "智慧城市",
    "信息化",
    "基站",
    "宽带",
    "人工智能",
    "大数据",
    "云计算",
    "数字政府",
    "政务服务",
    "一网通办",
    "小程序",
    "公众号",
    "视频号",
    "直播",
  ],
};
const TOPIC_KEYS = Object.keys(TOPICS);
const TOPIC_CATEGORY: Record<string, string> = {
  jobs: "民生",
  community: "社区",
  transport: "交通",
  education: "教育",
  tourism: "文旅",
  economy: "经济",
  farming: "农业",
  health: "健康",
  weather: "天气",
  city: "城建",
  safety: "本地",
  tech: "科技",
};

// Latin words, in a few per cent of articles ("5G网络" is indexed as 5g + 网络).
const LATIN = ["Hono", "Cloudflare", "GDP", "5G", "App", "AI", "Wi-Fi", "CPI", "ETC", "KTV", "APP", "CEO", "PM2.5"];
const LATIN_CONTEXT = ["网络", "平台", "应用", "技术", "数据", "服务", "系统", "信号"];

export interface GeneratedArticle {
  readonly sourceIndex: number;
  readonly input: ArticleInput;
}

/** Article i of n: its source, and what normalize would hand to the store (plainText included,
 *  exactly htmlToText of the paragraphs: they are plain text in <p>, joined by a space). */
export function generateArticle(i: number, n: number): GeneratedArticle {
  const next = random(i * 2654435761 + 12345);
  // Zipf-like: index ~ floor(len × u²) makes the first words much more frequent than the last.
  const zipf = (list: readonly string[]) => list[Math.floor(list.length * next() * next())]!;
  const any = (list: readonly string[]) => list[Math.floor(list.length * next())]!;
  const chance = (p: number) => next() < p;

  const topic = TOPIC_KEYS[Math.floor(next() * TOPIC_KEYS.length)]!;
  const second = chance(0.3) ? TOPIC_KEYS[Math.floor(next() * TOPIC_KEYS.length)]! : topic;
  const topicWord = () => (chance(0.8) ? zipf(TOPICS[topic]!) : zipf(TOPICS[second]!));
  const latin = chance(0.04);

  const object = () => {
    const r = next();
    if (r < 0.5) return topicWord();
    if (r < 0.7) return `${any(ADJ)}${topicWord()}`;
    if (r < 0.9) return zipf(GENERAL);
    return `${topicWord()}${zipf(GENERAL)}`;
  };
  const clause = () => {
    const parts: string[] = [];
    if (chance(0.3)) parts.push(zipf(TIME));
    if (chance(0.5)) parts.push(zipf(PLACES));
    parts.push(chance(0.6) ? zipf(ACTORS) : topicWord());
    if (chance(0.4)) parts.push(zipf(ADVERBS));
    parts.push(zipf(VERBS));
    parts.push(object());
    if (chance(0.35)) parts.push(any(FUNCTION_WORDS), object());
    if (chance(0.25)) parts.push(`${any(NUMBERS)}${any(UNITS)}`, object());
    if (latin && chance(0.15)) parts.push(`${any(LATIN)}${any(LATIN_CONTEXT)}`);
    return parts.join("");
  };
  const sentence = () => {
    const clauses = 1 + Math.floor(next() * 3);
    return `${Array.from({ length: clauses }, clause).join("，")}${chance(0.9) ? "。" : "！"}`;
  };

  // ~1–2 KB of UTF-8 text: 350–650 characters in 3–6 paragraphs.
  const targetChars = 350 + Math.floor(next() * 300);
  const paragraphs: string[] = [];
  let chars = 0;
  while (chars < targetChars) {
    let p = paragraphs.length === 0 ? `本报讯（记者 ${any(AUTHORS)}）` : "";
    const sentences = 2 + Math.floor(next() * 3);
    for (let s = 0; s < sentences; s++) p += sentence();
    paragraphs.push(p);
    chars += p.length;
  }
  if (latin) paragraphs.push(`${any(LATIN)}相关${any(LATIN_CONTEXT)}已上线，${zipf(ACTORS)}可通过${any(LATIN)}查询。`);

  const plainText = paragraphs.join(" ");
  const contentHtml = paragraphs.map((p) => `<p>${p}</p>`).join("");
  const sourceIndex = Math.floor(next() * SOURCE_COUNT);
  const source = sourceOf(sourceIndex);
  // Oldest first: article i is published at its share of the two years, to the second.
  const ms = START_MS + Math.floor(((i + next()) * SPAN_MS) / n / 1000) * 1000;
  const published = { ms, offset: OFFSET };
  const title = `${zipf(PLACES)}${zipf(VERBS)}${topicWord()}${chance(0.5) ? zipf(GENERAL) : ""}`;
  const categories = [TOPIC_CATEGORY[topic]!, ...(second !== topic ? [TOPIC_CATEGORY[second]!] : [])];
  return {
    sourceIndex,
    input: {
      guid: `${source.slug}-${i}`,
      originalUrl: `https://${source.slug}.example.cn/news/${i}.html`,
      title,
      summary: summarize(plainText),
      contentHtml,
      published,
      updated: published,
      author: any(AUTHORS),
      image: chance(0.3) ? `https://${source.slug}.example.cn/uploads/${i}.jpg` : null,
      tags: [source.label, ...categories],
      plainText,
    },
  };
}
