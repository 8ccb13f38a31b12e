// `xss` is CommonJS: workerd's interop exposes only its default export (the module object), and
// the class hangs off it. One place adapts that, so both the worker and Node import it the same way.
import xss from "xss";
import type { FilterXSS as FilterXSSClass, parseAttr as parseAttrFn } from "xss";

export type { IFilterXSSOptions } from "xss";
const lib = xss as unknown as { FilterXSS: typeof FilterXSSClass; parseAttr: typeof parseAttrFn };
export const FilterXSS = lib.FilterXSS;
export const parseAttr = lib.parseAttr;
