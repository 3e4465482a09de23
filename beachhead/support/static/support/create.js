// Logging a ticket: choosing the account reloads the requester choices (a static file: the
// Content-Security-Policy runs no inline script).
document.addEventListener("change", function (event) {
  const field = event.target.closest("[data-requesters-url]");
  if (!field) return;
  const url = field.dataset.requestersUrl + "?account=" + encodeURIComponent(field.value);
  htmx.ajax("GET", url, { target: field.dataset.requestersTarget, swap: "innerHTML" });
});
