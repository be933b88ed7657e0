--[[ book-offline.lua - the HTML site, the single-file HTML and the EPUB
link nowhere outside themselves: a web address (in a reference, say)
stays readable as text but is not a link. Runs after --citeproc, so it
sees the references' URLs too. The PDF keeps its links. ]]

function Link(link)
  if not link.target:match("^%a[%w+.-]*:") then return nil end
  local shown = pandoc.utils.stringify(link.content)
  local address = link.target:gsub("^mailto:", "")
  local inlines = link.content
  if shown ~= address then
    inlines:insert(pandoc.Str(" (" .. address .. ")"))
  end
  return pandoc.Span(inlines, {class = "url"})
end

-- EPUB: pandoc 2.17 copies a heading's MathML into the navigation
-- document but does not declare it there (epubcheck OPF-014), so a
-- formula in a heading becomes italic text in the EPUB ($w$ reads w).
function Header(header)
  if not FORMAT:match("epub") then return nil end
  header.content = header.content:walk({
    Math = function(math)
      return pandoc.Emph({pandoc.Str(math.text:gsub("\\", ""))})
    end})
  return header
end

-- EPUB: its title page shows the date and the rights but has no place
-- for a version, so the rights line starts with it.
function Meta(meta)
  if not FORMAT:match("epub") or not meta.version then return nil end
  local line = "Version " .. pandoc.utils.stringify(meta.version)
  if meta.date then
    line = line .. ", " .. pandoc.utils.stringify(meta.date)
  end
  local rights = meta.rights and pandoc.utils.stringify(meta.rights) or ""
  meta.rights = pandoc.MetaInlines({pandoc.Str(line .. ". " .. rights)})
  return meta
end
