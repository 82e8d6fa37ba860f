// The first sign-in with a one-time password (a new account, a reset): the person chooses
// their own before anything else (every call but this one is refused 403
// password_change_required). The one-time password just typed is the current one; after a
// reload it is asked for. What the policy needs is said by the weak_password refusal.
import { $, showError } from "/static/qms.js";
import { msg, texts } from "/counters/common.js";

export function newPasswordForm({ call, onDone }) {
  let current = null; // the one-time password typed at sign-in, kept only until used

  function open(typed) {
    current = typed || null;
    const form = $("#password-form");
    form.reset();
    showError($("#password-error"), null);
    $("#password-current-row").hidden = !!current;
    $("#password-current").required = !current;
    (current ? $("#new-password") : $("#password-current")).focus();
  }

  async function onSubmit(e) {
    e.preventDefault();
    const box = $("#password-error");
    showError(box, null);
    const chosen = $("#new-password").value;
    if (chosen !== $("#new-password-again").value) {
      showError(box, { code: "mismatch", message: msg("page.passwords_differ") });
      $("#new-password-again").focus();
      return;
    }
    const button = $("#password-submit");
    button.disabled = true;
    try {
      await call("/api/auth/password", {
        method: "POST",
        body: { password: current ?? $("#password-current").value, new_password: chosen },
      });
    } catch (err) {
      if (err.status !== 401) {
        showError(box, texts.explain(err));
        $(err.code === "wrong_password" ? "#password-current" : "#new-password").focus();
        if (err.code === "wrong_password") {
          current = null; // ask for it: the one kept was not right
          $("#password-current-row").hidden = false;
        }
      }
      return;
    } finally {
      button.disabled = false;
    }
    current = null;
    $("#password-form").reset();
    onDone();
  }

  function wire() {
    $("#password-form").addEventListener("submit", onSubmit);
  }

  function forget() {
    current = null;
  }

  return { wire, open, forget };
}
