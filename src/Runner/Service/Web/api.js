// The service's JSON API, as the pages call it (docs/service.md). Every call resolves to { ok, status, body }; a problem
// (RFC 9457) is the body of a failed call, so callers can show its detail and errors.

async function call(method, path, text) {
  const init = { method, headers: { Accept: "application/json" } };
  if (text !== undefined) {
    init.headers["Content-Type"] = "text/plain; charset=utf-8";
    init.body = text;
  }
  try {
    const response = await fetch(path, init);
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, body };
  } catch (error) {
    return { ok: false, status: 0, body: { detail: `the service did not answer: ${error.message}` } };
  }
}

export const getJson = (path) => call("GET", path);
export const post = (path, text) => call("POST", path, text);

/** The path of an experiment's resource: /experiments/ID/what. */
export const experimentPath = (id, what = "") =>
  `/experiments/${encodeURIComponent(id)}${what ? "/" + what : ""}`;

/** A failed call in one line: the problem's detail, else the status. */
export function describeFailure(result) {
  const detail = result.body && result.body.detail;
  return detail ? detail : `HTTP ${result.status}`;
}
