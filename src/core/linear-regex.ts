// Regular expressions a visitor writes (feed filters), matched in time linear in the text: the
// pattern is parsed here into a Thompson NFA and run as a set of states (Pike's simulation), so
// no pattern backtracks — `(a+)+$` costs what `a+$` costs. The syntax is the part of RE2's (and
// so of RSSHub's default engine's) that JavaScript shares; backreferences and lookaround, which
// no linear-time engine can offer, are refused with a reason.
//
// Hand-rolled because the maintained linear-time engine for JavaScript (re2js, the one RSSHub
// uses) adds 45 KiB gzipped to a Worker whose budget has 6 KiB left, and WebAssembly RE2 builds
// need a WASM module per isolate; V8's own linear engine (the `l` flag) is not enabled in workerd.

/** A pattern this engine does not take, with the reason in Chinese and English. */
export class PatternError extends Error {}

/** Longest pattern accepted, in code points. */
export const MAX_PATTERN_CHARS = 256;
/** Largest compiled program (counted repetition such as `a{1000}` is expanded). */
export const MAX_PROGRAM = 2000;

type Test = (c: number) => boolean;
type Node =
  | { readonly t: "set"; readonly test: Test; readonly lit?: number }
  | { readonly t: "assert"; readonly kind: Assertion }
  | { readonly t: "cat"; readonly items: readonly Node[] }
  | { readonly t: "alt"; readonly items: readonly Node[] }
  | { readonly t: "rep"; readonly node: Node; readonly min: number; readonly max: number };
type Assertion = "start" | "end" | "word" | "notWord";

// One instruction: consume a code point the test accepts, fork, jump, assert, or accept.
type Inst =
  | { op: "set"; test: Test }
  | { op: "split"; x: number; y: number }
  | { op: "jmp"; x: number }
  | { op: "assert"; kind: Assertion }
  | { op: "match" };

const isDigit: Test = (c) => c >= 48 && c <= 57;
const isWord: Test = (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const SPACES = new Set([9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);
const isSpace: Test = (c) => SPACES.has(c) || (c >= 0x2000 && c <= 0x200a);
const not =
  (t: Test): Test =>
  (c) =>
    !t(c);

const fail = (zh: string, en: string): never => {
  throw new PatternError(`${zh} (${en})`);
};

/** `\p{…}`: a Unicode property, tested one code point at a time by the platform (a single class,
 *  so linear whatever it is). RE2 writes scripts bare (`\p{Han}`), JavaScript as `Script=Han`. */
function unicodeProperty(name: string): Test {
  if (!/^[A-Za-z_]+(=[A-Za-z_]+)?$/.test(name)) return fail(`无效的 Unicode 属性 \\p{${name}}`, "bad \\p{…}");
  for (const body of [name, `Script=${name}`]) {
    try {
      const re = new RegExp(`^\\p{${body}}$`, "u");
      return (c) => re.test(String.fromCodePoint(c));
    } catch {
      // try the next spelling
    }
  }
  return fail(`未知的 Unicode 属性 \\p{${name}}`, `unknown Unicode property ${name}`);
}

class Parser {
  private i = 0;
  constructor(private readonly s: readonly string[]) {}

  parse(): Node {
    const node = this.alt();
    if (this.i < this.s.length) fail("括号不配对：多余的 )", "unmatched )");
    return node;
  }

  private peek(k = 0): string | undefined {
    return this.s[this.i + k];
  }

  private alt(): Node {
    const items = [this.cat()];
    while (this.peek() === "|") {
      this.i++;
      items.push(this.cat());
    }
    return items.length === 1 ? items[0]! : { t: "alt", items };
  }

  private cat(): Node {
    const items: Node[] = [];
    for (let ch = this.peek(); ch !== undefined && ch !== "|" && ch !== ")"; ch = this.peek()) {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return { t: "cat", items };
  }

  /** `{n}`, `{n,}`, `{n,m}` at the cursor, or null when it is a literal brace (as in RE2 and JS). */
  private braces(): { min: number; max: number; length: number } | null {
    const rest = this.s.slice(this.i, this.i + 16).join("");
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(rest);
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (max < min) fail(`重复次数 {${min},${max}} 的上限小于下限`, "bad repetition range");
    if (min > 1000 || (max !== Number.POSITIVE_INFINITY && max > 1000))
      fail("重复次数不能超过 1000", "repetition count over 1000");
    return { min, max, length: Array.from(m[0]).length };
  }

  private quantified(atom: Node): Node {
    let node = atom;
    let quantifiers = 0;
    for (;;) {
      const ch = this.peek();
      let min: number;
      let max: number;
      if (ch === "*" || ch === "+" || ch === "?") {
        [min, max] = ch === "*" ? [0, Infinity] : ch === "+" ? [1, Infinity] : [0, 1];
        this.i++;
      } else if (ch === "{") {
        const b = this.braces();
        if (!b) return node;
        ({ min, max } = b);
        this.i += b.length;
      } else return node;
      if (atom.t === "assert") fail("锚点不能重复", "nothing to repeat");
      if (++quantifiers > 1) fail("重复符号不能连用（如 a**）", "bad repetition operator");
      if (this.peek() === "?") this.i++; // lazy: the same set of matches for a yes/no search
      node = { t: "rep", node, min, max };
    }
  }

  private atom(): Node {
    const ch = this.s[this.i++]!;
    switch (ch) {
      case "(":
        return this.group();
      case "[":
        return { t: "set", test: this.charClass() };
      case ".":
        return { t: "set", test: (c) => c !== 10 };
      case "^":
        return { t: "assert", kind: "start" };
      case "$":
        return { t: "assert", kind: "end" };
      case "\\":
        return this.escape(false);
      case "*":
      case "+":
      case "?":
        return fail(`重复符号 ${ch} 前面没有可重复的内容`, "nothing to repeat");
      default: {
        const c = ch.codePointAt(0)!;
        return { t: "set", test: (x) => x === c };
      }
    }
  }

  private group(): Node {
    if (this.peek() === "?") {
      const next = this.peek(1);
      if (next === ":") this.i += 2;
      else if (
        (next === "<" && this.peek(2) !== "=" && this.peek(2) !== "!") ||
        (next === "P" && this.peek(2) === "<")
      ) {
        // A named group: matched as a plain group (nothing is captured here).
        const close = this.s.indexOf(">", this.i);
        if (close < 0) fail("命名分组缺少 >", "unterminated group name");
        this.i = close + 1;
      } else if (next === "=" || next === "!" || next === "<")
        fail("不支持环视（lookahead/lookbehind）", "lookaround is not supported");
      else fail("不支持 (?…) 形式的分组或标志，大小写请用 filter_case_sensitive", "unsupported (? group or flag");
    }
    const node = this.alt();
    if (this.s[this.i++] !== ")") fail("括号不配对：缺少 )", "missing )");
    return node;
  }

  /** After a backslash. In a class, `\b` is a backspace and assertions are not allowed. */
  private escape(inClass: boolean): Node {
    const ch = this.s[this.i++];
    if (ch === undefined) return fail("模式以 \\ 结尾", "trailing backslash");
    const set = (test: Test): Node => ({ t: "set", test });
    const lit = (c: number): Node => ({ t: "set", test: (x) => x === c, lit: c });
    switch (ch) {
      case "d":
        return set(isDigit);
      case "D":
        return set(not(isDigit));
      case "w":
        return set(isWord);
      case "W":
        return set(not(isWord));
      case "s":
        return set(isSpace);
      case "S":
        return set(not(isSpace));
      case "b":
        return inClass ? lit(8) : { t: "assert", kind: "word" };
      case "B":
        return inClass ? fail("字符类中不能用 \\B", "\\B in a class") : { t: "assert", kind: "notWord" };
      case "n":
        return lit(10);
      case "r":
        return lit(13);
      case "t":
        return lit(9);
      case "f":
        return lit(12);
      case "v":
        return lit(11);
      case "0":
        return lit(0);
      case "x":
      case "u": {
        const rest = this.s.slice(this.i, this.i + 10).join("");
        const m = ch === "x" ? /^[0-9a-fA-F]{2}/.exec(rest) : /^(\{[0-9a-fA-F]{1,6}\}|[0-9a-fA-F]{4})/.exec(rest);
        if (!m) return fail(`无效的转义 \\${ch}`, `bad \\${ch} escape`);
        this.i += m[0].length;
        const c = Number.parseInt(m[0].replace(/[{}]/g, ""), 16);
        if (c > 0x10ffff) fail("码位超出 Unicode 范围", "code point out of range");
        return lit(c);
      }
      case "p":
      case "P": {
        let name: string;
        if (this.peek() === "{") {
          const close = this.s.indexOf("}", this.i);
          if (close < 0) fail("\\p{ 缺少 }", "unterminated \\p{");
          name = this.s.slice(this.i + 1, close).join("");
          this.i = close + 1;
        } else name = this.s[this.i++] ?? "";
        const test = unicodeProperty(name);
        return set(ch === "p" ? test : not(test));
      }
      case "k":
        return fail("不支持反向引用（backreference）", "backreferences are not supported");
      default:
        if (/[1-9]/.test(ch)) return fail("不支持反向引用（backreference）", "backreferences are not supported");
        if (/[A-Za-z]/.test(ch)) return fail(`不支持的转义 \\${ch}`, `unsupported escape \\${ch}`);
        return lit(ch.codePointAt(0)!); // an escaped punctuation mark or any other character
    }
  }

  private charClass(): Test {
    const negate = this.peek() === "^";
    if (negate) this.i++;
    const parts: Test[] = [];
    let first = true;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) fail("字符类缺少 ]", "missing ]");
      if (ch === "]" && !first) {
        this.i++;
        break;
      }
      first = false;
      const lo = this.classAtom();
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== undefined && typeof lo === "number") {
        this.i++;
        const hi = this.classAtom();
        if (typeof hi !== "number") return fail("字符类的范围端点无效", "bad class range");
        if (hi < lo) fail("字符类的范围顺序颠倒", "class range out of order");
        parts.push((c) => c >= lo && c <= hi);
      } else parts.push(typeof lo === "number" ? (c) => c === lo : lo);
    }
    const any: Test = (c) => parts.some((p) => p(c));
    return negate ? not(any) : any;
  }

  /** One member of a class: a code point, or a test for an escape such as `\d`. */
  private classAtom(): number | Test {
    const ch = this.s[this.i++]!;
    if (ch !== "\\") return ch.codePointAt(0)!;
    const node = this.escape(true);
    if (node.t !== "set") return fail("字符类中不能用断言", "assertion in a class");
    // A single character stays a code point, so that it can start or end a range.
    return node.lit ?? node.test;
  }
}

/** A compiled pattern; `test` is unanchored (a match anywhere, as RegExp.test). */
export interface LinearRegex {
  readonly size: number;
  /** True when the pattern matches somewhere in `text`. Spends the steps it takes from `budget`,
   *  at most `worstSteps`; throws BudgetExhausted when the budget runs out. */
  test(text: string, budget?: StepBudget): boolean;
}

/** Steps left for the matching of one request, shared by every pattern of it. A step is one
 *  state visited or tested at one position of the text. */
export interface StepBudget {
  left: number;
}

/** Thrown by `test` when the budget runs out; the text was not decided. */
export class BudgetExhausted extends Error {}

function compile(node: Node, prog: Inst[]): void {
  const emit = (i: Inst) => {
    if (prog.length >= MAX_PROGRAM)
      fail(`表达式展开后过大（超过 ${MAX_PROGRAM} 条指令）`, "pattern too large after expanding repetition");
    prog.push(i);
    return prog.length - 1;
  };
  switch (node.t) {
    case "set":
      emit({ op: "set", test: node.test });
      return;
    case "assert":
      emit({ op: "assert", kind: node.kind });
      return;
    case "cat":
      for (const n of node.items) compile(n, prog);
      return;
    case "alt": {
      // split L1, next; L1: a; jmp end; next: split ... ; last
      const jumps: number[] = [];
      node.items.forEach((n, k) => {
        if (k < node.items.length - 1) {
          const split = emit({ op: "split", x: 0, y: 0 });
          (prog[split] as { x: number }).x = prog.length;
          compile(n, prog);
          jumps.push(emit({ op: "jmp", x: 0 }));
          (prog[split] as { y: number }).y = prog.length;
        } else compile(n, prog);
      });
      for (const j of jumps) (prog[j] as { x: number }).x = prog.length;
      return;
    }
    case "rep": {
      for (let k = 0; k < node.min; k++) compile(node.node, prog);
      if (node.max === Number.POSITIVE_INFINITY) {
        // L: split body, end; body; jmp L
        const split = emit({ op: "split", x: 0, y: 0 });
        (prog[split] as { x: number }).x = prog.length;
        compile(node.node, prog);
        emit({ op: "jmp", x: split });
        (prog[split] as { y: number }).y = prog.length;
      } else {
        const splits: number[] = [];
        for (let k = node.min; k < node.max; k++) {
          const split = emit({ op: "split", x: 0, y: 0 });
          (prog[split] as { x: number }).x = prog.length;
          splits.push(split);
          compile(node.node, prog);
        }
        for (const s of splits) (prog[s] as { y: number }).y = prog.length;
      }
      return;
    }
  }
}

/** Case folding of one code point, when it stays one code point. */
const fold = (c: number, upper: boolean): number => {
  const s = String.fromCodePoint(c);
  const f = upper ? s.toUpperCase() : s.toLowerCase();
  const d = f.codePointAt(0)!;
  return f.length === String.fromCodePoint(d).length ? d : c;
};

/** A text's code points in one case: the platform folds the whole string at once (fast); where
 *  that changes the number of code points (ß → SS), each one is folded alone. */
function foldText(text: string, cps: readonly number[], upper: boolean): readonly number[] {
  const whole = Array.from(upper ? text.toUpperCase() : text.toLowerCase(), (ch) => ch.codePointAt(0)!);
  return whole.length === cps.length ? whole : cps.map((c) => fold(c, upper));
}

/** `pattern` compiled; throws PatternError with a reason when it is not accepted. */
export function compileLinearRegex(pattern: string, caseSensitive = true): LinearRegex {
  const chars = Array.from(pattern);
  if (chars.length > MAX_PATTERN_CHARS)
    fail(`表达式过长（${chars.length} 个字符，上限 ${MAX_PATTERN_CHARS}）`, `pattern longer than ${MAX_PATTERN_CHARS}`);
  const prog: Inst[] = [];
  compile(new Parser(chars).parse(), prog);
  prog.push({ op: "match" });
  const n = prog.length;
  // Generation marks: a state is in a list when its mark is the list's generation.
  const mark = new Uint32Array(n);
  let generation = 0;
  // Two state lists and the closure's stack, reused by every call (one isolate, one thread).
  let clist = new Int32Array(n);
  let nlist = new Int32Array(n);
  const stack = new Int32Array(2 * n + 2);
  return {
    size: n,
    test(text, budget) {
      const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
      const len = cps.length;
      // Without case: a character also matches as its lower and upper case (folded once per text).
      const lower = caseSensitive ? cps : foldText(text, cps, false);
      const upper = caseSensitive ? cps : foldText(text, cps, true);
      const wordAt = (i: number) => i >= 0 && i < len && isWord(cps[i]!);
      let matched = false;
      // Reading the text (and folding its case) is work too: one step per code point, three
      // without case.
      let steps = (caseSensitive ? 1 : 3) * (len + 1);
      // Adds pc's closure (through jumps, forks and assertions that hold at position i) to list.
      const add = (list: Int32Array, count: number, start: number, i: number): number => {
        let sp = 0;
        stack[sp++] = start;
        while (sp > 0) {
          const pc = stack[--sp]!;
          if (mark[pc] === generation) continue;
          mark[pc] = generation;
          steps++;
          const inst = prog[pc]!;
          switch (inst.op) {
            case "jmp":
              stack[sp++] = inst.x;
              break;
            case "split":
              stack[sp++] = inst.y;
              stack[sp++] = inst.x;
              break;
            case "assert": {
              const holds =
                inst.kind === "start"
                  ? i === 0
                  : inst.kind === "end"
                    ? i === len
                    : (wordAt(i - 1) !== wordAt(i)) === (inst.kind === "word");
              if (holds) stack[sp++] = pc + 1;
              break;
            }
            case "match":
              matched = true;
              break;
            default:
              list[count++] = pc;
          }
        }
        return count;
      };
      generation++;
      let ccount = 0;
      for (let i = 0; ; i++) {
        // Unanchored: a new thread starts at every position.
        ccount = add(clist, ccount, 0, i);
        if (budget) {
          budget.left -= steps;
          steps = 0;
          if (budget.left < 0) throw new BudgetExhausted("step budget spent");
        }
        if (matched) return true;
        if (i >= len) return false;
        if (generation > 0xfffffff0) {
          mark.fill(0);
          generation = 0;
        }
        generation++;
        let ncount = 0;
        const c = cps[i]!;
        const lo = lower[i]!;
        const up = upper[i]!;
        steps += ccount;
        for (let k = 0; k < ccount; k++) {
          const pc = clist[k]!;
          const t = (prog[pc] as { test: Test }).test;
          if (t(c) || (!caseSensitive && (t(lo) || t(up)))) ncount = add(nlist, ncount, pc + 1, i + 1);
        }
        [clist, nlist] = [nlist, clist];
        ccount = ncount;
      }
    },
  };
}

/** The most steps `test` can take on a text of `length` code points: reading it, then each state
 *  visited at most once and tested at most once per position. */
export const worstSteps = (re: LinearRegex, length: number): number => (2 * re.size + 3) * (length + 1);
