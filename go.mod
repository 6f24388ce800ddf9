module github.com/tcpverify/tcpverify

go 1.26.8

require (
	github.com/emicklei/dot v1.6.2 // indirect
	github.com/gopacket/gopacket v1.7.7 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)
