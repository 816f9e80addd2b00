// Small improvements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Fill the ward list when a province is chosen, instead of a page reload.
  document.querySelectorAll("select[data-wards-target]").forEach((province) => {
    const ward = document.getElementById(province.dataset.wardsTarget);
    if (!ward) return;
    province.addEventListener("change", async () => {
      const first = ward.options[0];
      ward.replaceChildren(first);
      if (!province.value) return;
      const response = await fetch(`/locations/${encodeURIComponent(province.value)}/wards`);
      if (!response.ok) return;
      for (const item of await response.json()) {
        ward.add(new Option(item.name, item.code));
      }
    });
  });
  // Completions while the buyer types in the search box (a datalist: native on phones).
  document.querySelectorAll("input[data-suggest]").forEach((input) => {
    const list = document.getElementById(input.getAttribute("list"));
    let timer;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        if (input.value.trim().length < 2) return list.replaceChildren();
        const response = await fetch(`${input.dataset.suggest}?q=${encodeURIComponent(input.value)}`);
        if (!response.ok) return;
        list.replaceChildren(...(await response.json()).map((title) => new Option(title)));
      }, 150);
    });
  });
  // The label sheet's print button.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // Ask before destructive actions.
  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
  // Show the chosen photos before upload, so a seller sees what the phone picked.
  document.querySelectorAll('input[type=file][accept^="image"]').forEach((input) => {
    input.addEventListener("change", () => {
      let preview = input.parentElement.querySelector(".preview");
      if (!preview) {
        preview = document.createElement("div");
        preview.className = "photo-grid preview";
        input.insertAdjacentElement("afterend", preview);
      }
      preview.replaceChildren(...[...input.files].slice(0, 8).map((file) => {
        const img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        return img;
      }));
    });
  });
});
