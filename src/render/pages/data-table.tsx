// One table layout for the pages that list records (the console's tables, the API documentation):
// a wrapper that scrolls sideways on a narrow screen, an optional caption, a row of column names.
import type { Child } from "hono/jsx";

export function DataTable(props: {
  columns: readonly string[];
  caption?: Child;
  /** A class besides `status` (the stylesheet's table look). */
  variant?: string;
  /** The body's rows (`<tr>`…). */
  children?: Child;
}) {
  return (
    <div class="table-wrap">
      <table class={props.variant ? `status ${props.variant}` : "status"}>
        {props.caption === undefined ? null : <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
