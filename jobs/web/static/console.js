// A form marked data-once is sent once: its button is disabled as soon as it is submitted,
// so a double click cannot post twice (the server refuses a second run anyway).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) { return; }
  if (form.dataset.sent === "1") { event.preventDefault(); return; }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.disabled = true;
    button.classList.add("working");
    button.textContent = button.textContent.replace(/now$/, "") + "…";
  });
});
