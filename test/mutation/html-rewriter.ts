// Workers' HTMLRewriter for the Node run of the unit tests (vitest.mutation.config.ts), over
// html-rewriter-wasm: lol-html, the parser workerd's HTMLRewriter is built on, compiled to WASM.
// Only what src/ uses: on(selector, handlers) and transform(response) read to the end. Node has
// no HTMLRewriter; workerd's own is used everywhere else (npm test runs these tests in workerd too).
import { HTMLRewriter as WasmRewriter, type ElementHandlers } from "html-rewriter-wasm";

class NodeHTMLRewriter {
  private readonly handlers: [string, ElementHandlers][] = [];

  on(selector: string, handlers: ElementHandlers): this {
    // workerd refuses a selector it cannot parse at on(); lol-html does so when it is registered.
    new WasmRewriter(() => undefined).on(selector, {}).free();
    this.handlers.push([selector, handlers]);
    return this;
  }

  transform(response: Response): Response {
    const handlers = this.handlers;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const rewriter = new WasmRewriter((chunk) => controller.enqueue(chunk.slice()));
        try {
          for (const [selector, h] of handlers) rewriter.on(selector, h);
          await rewriter.write(new Uint8Array(await response.arrayBuffer()));
          await rewriter.end();
          controller.close();
        } catch (e) {
          controller.error(e);
        } finally {
          rewriter.free();
        }
      },
    });
    return new Response(body, { headers: response.headers });
  }
}

(globalThis as { HTMLRewriter?: unknown }).HTMLRewriter ??= NodeHTMLRewriter;
