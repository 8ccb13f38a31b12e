// The console's sign-in form.
import type { Config } from "../../../config";
import { ConsoleShell, Notice } from "./shell";

export function SignInPage({ config, error }: { config: Config; error?: string }) {
  return ConsoleShell({
    config,
    title: "登录控制台",
    path: "/admin/sign-in",
    signedIn: false,
    children: (
      <section class="console-form">
        <h1>登录控制台</h1>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <form method="post" action="/admin/sign-in">
          <label for="token">管理令牌（ADMIN_TOKEN）</label>
          <input id="token" name="token" type="password" autocomplete="current-password" required />
          <button type="submit">登录</button>
        </form>
      </section>
    ),
  });
}
