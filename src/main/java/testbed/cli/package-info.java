/** picocli commands only: options become one request to the application layer, the result an exit code and output. */
package testbed.cli;
