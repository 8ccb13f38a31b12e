// Build-time stand-in for `sax`: xml-js (the `feed` package's XML writer) requires it for XML
// *parsing*, which this Worker never does (feedsmith parses upstream feeds). Aliased in
// wrangler.toml so ~50 KB of unused parser stays out of the bundle; calling it fails loudly.
export function parser(): never {
  throw new Error("sax is not bundled: xml-js parsing is not available in this Worker");
}
export default { parser };
