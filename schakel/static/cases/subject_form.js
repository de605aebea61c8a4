// Add-subject form: show only the fields of the chosen kind and propose the
// role that fits it. Without JavaScript every group stays visible and the
// server reads only the chosen kind's fields (progressive enhancement).
document.addEventListener("DOMContentLoaded", function () {
  var kind = document.querySelector("[data-subject-kind]");
  var role = document.querySelector("[data-role-defaults]");
  var rolesData = document.getElementById("subject-roles-by-kind");
  if (!kind || !role || !rolesData) { return; }
  var defaults = JSON.parse(role.getAttribute("data-role-defaults"));
  var rolesByKind = JSON.parse(rolesData.textContent);
  var hint = document.querySelector("[data-kinds-hint]");
  if (hint) { hint.hidden = true; }
  // With one kind shown, the sub-headings that tell the groups apart are noise.
  kind.form.classList.add("subject-form--one-kind");
  // Once the user picks a role, a later change of kind keeps it if it fits.
  var roleChosen = false;
  role.addEventListener("change", function () { roleChosen = true; });

  function apply(onLoad) {
    var chosen = kind.value;
    document.querySelectorAll("[data-kinds]").forEach(function (group) {
      var kinds = group.getAttribute("data-kinds").split(" ");
      group.hidden = kinds.indexOf(chosen) === -1;
    });
    var fitting = rolesByKind[chosen] || [];
    Array.prototype.forEach.call(role.options, function (option) {
      option.hidden = option.disabled = fitting.indexOf(option.value) === -1;
    });
    var fits = fitting.indexOf(role.value) !== -1;
    if (!fits || (!onLoad && !roleChosen)) {
      role.value = defaults[chosen] || fitting[0] || role.value;
    }
  }
  kind.addEventListener("change", function () { apply(false); });
  apply(true);
});
