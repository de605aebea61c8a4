// Small progressive enhancements. No inline scripts anywhere (strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.documentElement.classList.add("js");
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Phone widths: the main menu folds behind a "Menu" button (CSS hides the list while
  // aria-expanded is false). Without JavaScript the button stays hidden and the menu open.
  document.querySelectorAll(".nav-toggle[aria-controls]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
  });
});
