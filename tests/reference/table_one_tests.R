# Table 1 tests from R (stats 4.2.2): every test the app may choose, for every variable and grouping.
# Usage: Rscript table_one_tests.R OUTDIR   (inputs from make_table_one_data.py, in this folder)
# Categories: fisher.test (exact; network algorithm, default workspace) and chisq.test(correct = FALSE);
# numbers: wilcox.test (exact when both groups < 50 and no ties, else normal with continuity correction),
# kruskal.test, t.test (Welch), oneway.test(var.equal = FALSE) (Welch's ANOVA).
out <- commandArgs(trailingOnly = TRUE)[1]
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(), value = TRUE)))
numeric_vars <- c("age_years", "tumor_size_cm")
rows <- list()
add <- function(...) rows[[length(rows) + 1]] <<- data.frame(...)
# a test R refuses (e.g. Welch's ANOVA with a group of one) is recorded as NA
try_test <- function(expr) tryCatch(suppressWarnings(expr), error = function(e) list(statistic = NA, p.value = NA))
run <- function(name, groupings) {
  d <- read.csv(file.path(here, paste0(name, ".csv")), na.strings = "", stringsAsFactors = FALSE,
                colClasses = "character")
  for (g in groupings) for (v in setdiff(names(d), c(g, "age_group", "pair", "arm", "subset"))) {
    keep <- !is.na(d[[g]]) & !is.na(d[[v]])
    grp <- factor(d[[g]][keep])
    if (nlevels(grp) < 2) next
    if (v %in% numeric_vars) {
      x <- as.numeric(d[[v]][keep])
      if (nlevels(grp) == 2) {
        w <- try_test(wilcox.test(x ~ grp))
        add(data = name, grouping = g, variable = v, test = "wilcox", statistic = unname(w$statistic), p_value = w$p.value)
        t <- try_test(t.test(x ~ grp))
        add(data = name, grouping = g, variable = v, test = "welch_t", statistic = unname(t$statistic), p_value = t$p.value)
      }
      k <- try_test(kruskal.test(x ~ grp))
      add(data = name, grouping = g, variable = v, test = "kruskal", statistic = unname(k$statistic), p_value = k$p.value)
      o <- try_test(oneway.test(x ~ grp, var.equal = FALSE))
      add(data = name, grouping = g, variable = v, test = "welch_anova", statistic = unname(o$statistic), p_value = o$p.value)
    } else {
      tab <- table(d[[v]][keep], grp)
      tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
      if (nrow(tab) < 2 || ncol(tab) < 2) next
      f <- tryCatch(fisher.test(tab)$p.value, error = function(e) NA)
      add(data = name, grouping = g, variable = v, test = "fisher", statistic = NA, p_value = f)
      c2 <- suppressWarnings(chisq.test(tab, correct = FALSE))
      add(data = name, grouping = g, variable = v, test = "chisq", statistic = unname(c2$statistic), p_value = c2$p.value)
    }
  }
}
run("table_one_sample", c("limb", "sex", "presentation", "histology", "grade", "age_group"))
run("table_one_random", c("arm", "pair", "subset", "histology", "grade", "sex"))
write.csv(do.call(rbind, rows), file.path(out, "table_one_tests.csv"), row.names = FALSE)

# R 4.2.2's FEXACT and its own Monte Carlo disagree on one sample table (site by histology, 8 x 10,
# 34 patients): fisher.test gives 0.1653, simulate.p.value with 2e7 tables 0.4461. Full enumeration
# (ilp_core.fisher) gives 0.44612; the Monte Carlo estimate is kept here as the oracle for it.
d <- read.csv(file.path(here, "table_one_sample.csv"), na.strings = "", colClasses = "character")
keep <- !is.na(d$site) & !is.na(d$histology)
tab <- table(d$site[keep], d$histology[keep])
set.seed(2)
mc <- fisher.test(tab, simulate.p.value = TRUE, B = 2e7)$p.value
write.csv(data.frame(data = "table_one_sample", grouping = "histology", variable = "site",
                     fexact = fisher.test(tab)$p.value, monte_carlo = mc, tables = 2e7),
          file.path(out, "table_one_fexact_disagreement.csv"), row.names = FALSE)
