# Reference for ilp_core.stats.differences.landmark_difference: the difference of two
# Kaplan-Meier estimates at fixed times, computed by hand from survfit's own standard errors.
# Run from tests/reference: Rscript landmark_difference_aml.R (writes landmark_difference_aml.csv)
library(survival)
fit <- survfit(Surv(time, status) ~ x, data = aml)
times <- c(8, 12, 20, 30)
s <- summary(fit, times = times, extend = TRUE)
a <- s$strata == "x=Maintained"; b <- s$strata == "x=Nonmaintained"
rows <- list()
for (level in c(0.95, 0.9)) {
  d <- s$surv[a] - s$surv[b]
  se <- sqrt(s$std.err[a]^2 + s$std.err[b]^2)
  z <- qnorm(1 - (1 - level) / 2)
  rows[[length(rows) + 1]] <- data.frame(conf_level = level, time = times, estimate_a = s$surv[a], std_err_a = s$std.err[a],
                    estimate_b = s$surv[b], std_err_b = s$std.err[b], difference = d,
                    ci_lower = d - z * se, ci_upper = d + z * se, p_value = 2 * pnorm(-abs(d) / se))
}
write.csv(do.call(rbind, rows), "landmark_difference_aml.csv", row.names = FALSE)
