// The staff session a page keeps in sessionStorage (the counters page's sign-in writes it,
// the other pages of /counters/ read it): one place for its key and its shape.

const SESSION_KEY = "qms.session";

/** The saved session ({token, principal}), or null. */
export function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
  } catch {
    return null;
  }
}

/** Keep the token and who it is; storage unavailable: the session lives as long as the page. */
export function saveSession(token, principal) {
  try {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token, principal }));
  } catch {
    /* storage unavailable */
  }
}

export function clearSession() {
  try {
    sessionStorage.removeItem(SESSION_KEY);
  } catch {
    /* ignore */
  }
}
