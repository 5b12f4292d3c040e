// The branding page's live preview: portal name, colour, welcome text and logo follow the form
// as the admin types or picks a file, before anything is saved.
(function () {
  var form = document.querySelector("[data-branding-form]");
  var preview = document.querySelector("[data-branding-preview]");
  if (!form || !preview) return;
  var part = function (name) { return preview.querySelector('[data-preview="' + name + '"]'); };
  var value = function (name) { var input = form.elements[name]; return input ? input.value : ""; };
  var colour = /^#[0-9a-fA-F]{6}$/;
  var chosenFile = null;

  function logoSource() {
    var file = form.elements["logo_file"];
    if (file && file.files && file.files[0]) {
      if (!chosenFile || chosenFile.file !== file.files[0]) {
        if (chosenFile) URL.revokeObjectURL(chosenFile.url);
        chosenFile = { file: file.files[0], url: URL.createObjectURL(file.files[0]) };
      }
      return chosenFile.url;
    }
    var remove = form.querySelector("[data-remove-logo]");
    var uploaded = preview.dataset.uploadedLogo;
    if (uploaded && !(remove && remove.checked)) return uploaded;
    var address = value("logo_url").trim();
    // The same rule as the server: an https:// address or a path on this site.
    return /^https:\/\//.test(address) || (/^\//.test(address) && !/^\/\//.test(address)) ? address : "";
  }

  function update() {
    part("name").textContent = value("portal_name");
    part("welcome").textContent = value("welcome_text");
    var brand = value("primary_color");
    if (colour.test(brand)) {
      part("bar").style.borderBottomColor = brand;
      part("button").style.backgroundColor = brand;
    }
    var logo = part("logo");
    var source = logoSource();
    if (source) { logo.src = source; logo.hidden = false; } else { logo.removeAttribute("src"); logo.hidden = true; }
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();
})();
