/* socklab scan: a TCP connect and UDP port scanner (seed 000 §5.3). */
#ifndef SOCKLAB_SCAN_SCAN_H
#define SOCKLAB_SCAN_SCAN_H

int scan_main(int argc, char **argv);

#endif
