// Fills an address (slug) field from the field it names in data-slug-from, as the title is typed,
// until someone types in the address itself. The server makes the same address when it arrives empty.
(function () {
  "use strict";

  // As Django's slugify: ASCII letters, digits, underscores and hyphens, lower case, spaces as hyphens.
  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[^\x00-\x7f]/g, "")
      .replace(/[^\w\s-]/g, "")
      .trim()
      .toLowerCase()
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "");
  }

  function start() {
    document.querySelectorAll("input[data-slug-from]").forEach(function (slug) {
      var source = document.getElementById(slug.dataset.slugFrom);
      if (!source || slug.disabled || slug.readOnly) {
        return;
      }
      var follows = slug.value === "";
      slug.addEventListener("input", function () {
        follows = slug.value === "";
      });
      var limit = slug.maxLength > 0 ? slug.maxLength : undefined;
      source.addEventListener("input", function () {
        if (follows) {
          slug.value = slugify(source.value).slice(0, limit).replace(/[-_]+$/, "");
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
