// The web form and the portal sign-in send the browser's time zone, so that replies quote
// times the customer reads as theirs.
(function () {
  var tz = document.getElementById("id_tz");
  try { if (tz && !tz.value) { tz.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } } catch (e) { /* the server's default applies */ }
})();
