// Local secrets for `wrangler dev` and `wrangler types`: .dev.vars from .dev.vars.example when missing.
import { copyFileSync, existsSync } from "node:fs";

if (!existsSync(".dev.vars")) {
  copyFileSync(".dev.vars.example", ".dev.vars");
  console.log("created .dev.vars from .dev.vars.example (development secrets only)");
}
