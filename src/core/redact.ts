// URLs as the public may see them (pure): no userinfo, secret-looking parameter values replaced.
// On the text, not through URL's serializer, so the rest stays byte for byte as written.

/** What a secret value is replaced by. */
export const REDACTED = "***";

// A parameter whose name says it carries a credential: api keys, tokens, signatures, passwords,
// sessions (signed URLs too: X-Amz-Signature, X-Amz-Security-Token, Azure's sig). Names such as
// id or code are left alone: too many article links use them.
// Anywhere in the name: token, secret, passw…, api key, signature, credential; as the whole name
// or its last part (after - _ .): key, auth, authorization, sig, pwd, pass, session(id), jwt, ticket.
const SECRET_NAME =
  /token|secret|passw|api[-_]?key|signature|credential|^(?:.*[-_.])?(?:key|auth|authorization|sig|pwd|pass|session|sessionid|jwt|ticket)$/i;

const decodeName = (name: string) => {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
};

export const isSecretParam = (name: string): boolean => SECRET_NAME.test(decodeName(name));

// userinfo: everything before the last "@" of the authority (which ends at / ? # or a space).
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i;
const PARAM = /([?&#;])([^=&#;\s]*)=([^&#;\s]*)/g;

/** One URL (absolute or not) with its userinfo removed and secret parameter values replaced. */
export function redactUrl(url: string): string {
  return url
    .replace(USERINFO, "$1")
    .replace(PARAM, (all, sep: string, name: string, value: string) =>
      value && isSecretParam(name) ? `${sep}${name}=${REDACTED}` : all,
    );
}

// A URL inside prose: a scheme, "://", then anything up to a space, a quote or a bracket.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>()]+/gi;

/** Free text (an error message, a log line) with every URL in it redacted. */
export function redactText(text: string): string;
export function redactText(text: string | null): string | null;
export function redactText(text: string | null): string | null {
  if (text === null || !text.includes("://")) return text;
  return text.replace(URL_IN_TEXT, redactUrl);
}
