// carnet default theme
