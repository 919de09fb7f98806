// Requests to the farepipe API (same origin) and its errors.

// APIError is a failed request: the HTTP status (0 when no answer came)
// and the API's issues ({status, title, detail, parameter, value}).
export class APIError extends Error {
  constructor(status, issues) {
    super(describe(status, issues));
    this.name = 'APIError';
    this.status = status;
    this.issues = issues;
  }
}

// getJSON answers the decoded JSON of a GET of path, or throws an
// APIError. An aborted request throws the AbortError as is.
export async function getJSON(path, signal) {
  let res;
  try {
    res = await fetch(path, {headers: {Accept: 'application/json'}, signal});
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new APIError(0, []);
  }
  let body = null;
  try {
    body = await res.json();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
  }
  if (!res.ok || body === null) {
    throw new APIError(res.status, Array.isArray(body?.errors) ? body.errors : []);
  }
  return body;
}

// describe says what went wrong in words a user can act on.
function describe(status, issues) {
  switch (status) {
    case 0: return 'The server did not answer. Check the connection and try again.';
    case 400: return issues.map(i => `${i.parameter ?? 'request'}: ${i.detail ?? i.title}`).join('; ') || 'The request was refused.';
    case 404: return 'Not found: the fare may no longer be stored.';
    case 502: return 'The fare store answered with an error. Try again later.';
    case 503: return 'The fare store is unavailable right now. Try again in a few seconds.';
    case 504: return 'The search took too long. Try again, or ask for fewer dates.';
  }
  const title = issues[0]?.title;
  return `The server answered ${status}${title ? ` (${title.toLowerCase()})` : ''}.`;
}
