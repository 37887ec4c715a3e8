# Edge cases where an independent audit found ilp_core and R apart (issue 10), from R 4.2.2,
# survival 3.5-3 and cmprsk 2.2-11 (Debian r-base-core, r-cran-survival, r-cran-cmprsk).
# Usage: Rscript edge_cases.R OUTDIR
suppressMessages({library(survival); library(cmprsk)})
out <- commandArgs(trailingOnly = TRUE)[1]
w <- function(df, name) write.csv(df, file.path(out, name), row.names = FALSE)
options(digits = 17)
z <- qnorm(0.975)

# 1. An incidence that reaches 1 (every event is of the one cause and nobody is left):
#    survfit's standard error there is ~1e-17, so the log-log limits are [F, F].
d <- data.frame(time = 1:9, status = c(1, 1, 0, 0, 0, 1, 0, 1, 1))
ms <- survfit(Surv(time, factor(status, 0:1)) ~ 1, data = d)
sm <- summary(ms, times = 1:9)
est <- sm$pstate[, 2]; se <- sm$std.err[, 2]
tp <- timepoints(cuminc(d$time, d$status, cencode = 0), 1:9)
inner <- est > 0 & est < 1
ll <- function(s, sgn) ifelse(inner, est^exp(sgn * z * s / (est * log(est))), NA)
w(data.frame(time = 1:9, estimate = est, se_delta = se, se_gray = sqrt(tp$var[1, ]),
             ci_lower_loglog_delta = ll(se, -1), ci_upper_loglog_delta = ll(se, 1),
             r_survfit_ci_lower_log = sm$lower[, 2], r_survfit_ci_upper_log = sm$upper[, 2]),
  "cif_reaching_one.csv")

# 2. Gray's test with a singular variance: group C's patients all leave before the first event.
#    cuminc declines: statistic -1 (its QR finds the variance matrix rank-deficient).
g <- data.frame(time = c(0.2, 0.3, 0.4, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                status = c(0, 0, 0, 1, 2, 1, 0, 1, 1, 2, 0, 1, 0),
                group = c("C", "C", "C", "A", "A", "A", "A", "B", "B", "B", "B", "A", "B"))
w(g, "gray_singular_data.csv")
gt <- cuminc(g$time, g$status, g$group, cencode = 0)$Tests
w(data.frame(cause = rownames(gt), statistic = gt[, "stat"], p_value = gt[, "pv"], df = gt[, "df"]),
  "gray_singular.csv")

# 3. Times that differ by less than sqrt(machine epsilon) (relative) are one time in survfit and
#    survdiff (timefix = TRUE, aeqSurv).
nt <- data.frame(time = c(1 - 1e-12, 1, 2, 3, 1, 2.5, 4, 4), status = c(0, 1, 1, 0, 1, 0, 1, 0),
                 group = c("a", "a", "a", "a", "b", "b", "b", "b"))
w(nt, "near_ties_data.csv")
km <- summary(survfit(Surv(time, status) ~ 1, data = nt[nt$group == "a", ]), times = c(0.5, 1, 2, 3))
w(data.frame(time = km$time, n_risk = km$n.risk, estimate = km$surv, std_err = km$std.err,
             ci_lower = km$lower, ci_upper = km$upper), "near_ties_km.csv")
sd <- survdiff(Surv(time, status) ~ group, data = nt)
w(data.frame(statistic = sd$chisq, df = 1, p_value = pchisq(sd$chisq, 1, lower.tail = FALSE)),
  "near_ties_logrank.csv")
ci <- summary(survfit(Surv(time, factor(status, 0:1)) ~ 1, data = nt), times = c(1, 2, 4))
w(data.frame(time = ci$time, n_risk = ci$n.risk[, 1], estimate = ci$pstate[, 2], std_err = ci$std.err[, 2]),
  "near_ties_cif.csv")

# 4. cmprsk::crr with events and censorings at time 0: crr reads the censoring distribution at
#    time * (1 - 100 eps), i.e. G(0) including the censorings at 0, for the events at 0 too.
m <- survival::mgus2
m$etime <- ifelse(m$pstat == 1, m$ptime, m$futime)
m$status <- ifelse(m$pstat == 1, 1, 2 * m$death)
m0 <- m[, c("id", "age", "sex", "etime", "status")]
zero <- c(which(m0$status == 0)[1:25], which(m0$status == 2)[1:5], which(m0$status == 1)[1:3])
m0$etime[zero] <- 0   # 25 censorings, 5 deaths and 3 malignancies on day 0
w(data.frame(id = m0$id, age = m0$age, sex = m0$sex, time = m0$etime, status = m0$status), "crr_time_zero_data.csv")
cov <- model.matrix(~ age + sex, data = m0)[, -1]
fit <- crr(m0$etime, m0$status, cov)
se <- sqrt(diag(fit$var))
w(data.frame(term = names(fit$coef), coef = fit$coef, std_err = se, p_value = 2 * pnorm(-abs(fit$coef / se))),
  "crr_time_zero.csv")

# 5. Separation in the reference level (no events there): R still estimates the other covariates.
#    coxph: the separated coefficients run off (warning "Loglik converged before variable");
#    crr: stops after maxiter = 10 without converging. Both report age.
l <- survival::lung
sep <- data.frame(time = l$time / 30.4375, event = l$status - 1, age = l$age)
i <- seq_len(nrow(sep))
sep$group <- ifelse(sep$event == 0 & i %% 3 == 0, "a", ifelse(i %% 2 == 0, "b", "c"))
w(sep, "cox_separation_data.csv")
cs <- coxph(Surv(time, event) ~ age + relevel(factor(group), "a"), data = sep, ties = "efron")
w(data.frame(term = c("age", "group: b vs a", "group: c vs a"), coef = unname(coef(cs)),
             std_err = unname(sqrt(diag(vcov(cs)))), iterations = cs$iter), "cox_separation.csv")
ms2 <- m[1:300, ]
ms2$grp <- ifelse(ms2$status != 1 & seq_len(nrow(ms2)) %% 3 == 0, "a", "b")
w(data.frame(time = ms2$etime, status = ms2$status, age = ms2$age, grp = ms2$grp), "crr_separation_data.csv")
fs <- crr(ms2$etime, ms2$status, cbind(age = ms2$age, grp_b = as.numeric(ms2$grp == "b")))
w(data.frame(term = c("age", "grp: b vs a"), coef = unname(fs$coef), std_err = unname(sqrt(diag(fs$var))),
             converged = fs$converged), "crr_separation.csv")

# 6. coxph on more shapes: lung ~ age + sex + ph.ecog (factor, reference 0), heavy ties (aml).
lr <- data.frame(time = l$time / 30.4375, event = l$status - 1, age = l$age,
                 sex = ifelse(l$sex == 1, "male", "female"), ecog = l$ph.ecog)
w(lr, "lung_regression_data.csv")
c3 <- coxph(Surv(time, event) ~ age + relevel(factor(sex), "male") + factor(ecog), data = lr, ties = "efron")
s3 <- summary(c3)
w(data.frame(coef = unname(coef(c3)), std_err = unname(sqrt(diag(vcov(c3)))), p_value = unname(s3$coefficients[, 5]),
             n = c3$n, events = c3$nevent), "lung_cox_ecog.csv")
z3 <- cox.zph(c3)
w(data.frame(term = rownames(z3$table), chisq = z3$table[, "chisq"], df = z3$table[, "df"], p_value = z3$table[, "p"]),
  "lung_cox_ecog_zph.csv")
a <- survival::aml
ca <- coxph(Surv(time, status) ~ x, data = a, ties = "efron")
w(data.frame(time = a$time, status = a$status, x = as.character(a$x)), "aml_regression_data.csv")
w(data.frame(coef = unname(coef(ca)), std_err = unname(sqrt(diag(vcov(ca)))), loglik = ca$loglik[2]), "aml_cox.csv")
