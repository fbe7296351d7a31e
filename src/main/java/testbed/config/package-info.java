/** Reading the data files (labs, specs, firmware) with one-line errors, and the Settings taken once from the environment. */
package testbed.config;
