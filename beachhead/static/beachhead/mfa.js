// Two-factor sign-in pages: "Print" buttons (no inline script, for the Content-Security-Policy).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-mfa-print]")) window.print();
});
