// Preferences → Security: copy a new API token; confirm before revoking one. No inline script,
// so the page works under a strict Content-Security-Policy.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copy);
  if (!input) return;
  input.select();
  const done = () => {
    const label = button.querySelector("span");
    if (label) label.textContent = button.dataset.copied;
    button.classList.replace("btn-primary", "btn-success");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => document.execCommand("copy") && done());
  } else if (document.execCommand("copy")) {
    done();
  }
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.securityConfirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
