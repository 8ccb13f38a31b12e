// A refresh that cannot go on: its message is what the health view shows for the source.
export class RefreshError extends Error {
  constructor(
    message: string,
    readonly headers?: Headers,
  ) {
    super(message);
    this.name = "RefreshError";
  }
}
